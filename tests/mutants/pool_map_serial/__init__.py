"""pool_map done serially: no process ever starts."""
