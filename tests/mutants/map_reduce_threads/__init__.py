"""map_reduce on a thread pool."""
