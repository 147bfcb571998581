"""shared_values with threads instead of processes."""
