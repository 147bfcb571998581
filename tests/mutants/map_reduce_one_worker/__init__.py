"""map_reduce on a pool of one worker."""
