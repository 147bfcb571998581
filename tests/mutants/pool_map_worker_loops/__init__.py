"""pool_map that waits on a queue nobody fills once its tasks are handed out."""
