"""queues whose consumers hand the sentinel to handle() before stopping."""
