"""pool_map that waits for each task before sending the next."""
