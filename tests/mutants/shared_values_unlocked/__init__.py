"""shared_values without the lock."""
