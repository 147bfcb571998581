"""pool_map whose chunks give one worker nearly all the work."""
