"""shared_memory that cleans up only when every worker succeeds."""
