"""pool_map that puts all the work in one chunk."""
