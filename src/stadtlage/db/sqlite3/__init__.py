"""SQLite backend whose write transactions queue fairly within one process (see `base`)."""
