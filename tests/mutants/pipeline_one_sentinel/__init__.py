"""pipeline whose read stage puts a single SENTINEL for all the workers."""
