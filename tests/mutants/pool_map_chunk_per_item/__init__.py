"""pool_map that sends every tiny item in its own message."""
