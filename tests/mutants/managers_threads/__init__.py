"""managers with threads instead of processes."""
