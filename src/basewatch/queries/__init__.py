"""Read models: load from a workspace and run the analyses; shared by every face (CLI, API,
reports, assessment)."""
