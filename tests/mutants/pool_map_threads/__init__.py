"""pool_map on threads instead of processes."""
