"""pool_map with a pool of one worker."""
