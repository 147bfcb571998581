"""pool_map that hands the pool a lambda."""
