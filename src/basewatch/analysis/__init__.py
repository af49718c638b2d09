"""Analyses: pure functions, data in and data out. Nothing here opens a file or a socket."""
