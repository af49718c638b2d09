"""basewatch: watch military installations in a moving conflict from open sources."""

__version__ = "0.1.0"
