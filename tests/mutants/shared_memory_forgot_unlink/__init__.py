"""shared_memory that never unlinks its segment."""
