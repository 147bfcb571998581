"""A parent waiting on a queue that nobody fills."""
