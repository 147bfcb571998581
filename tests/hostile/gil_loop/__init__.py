"""A C-level loop that holds the GIL forever."""
