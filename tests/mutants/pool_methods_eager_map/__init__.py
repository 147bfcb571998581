"""pool_methods whose ordered_lazily builds the whole list with map first."""
