"""executor with threads instead of processes."""
