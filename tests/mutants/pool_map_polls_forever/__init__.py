"""pool_map that polls for its results in a loop whose condition never ends."""
