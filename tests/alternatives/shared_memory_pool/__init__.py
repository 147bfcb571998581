"""shared_memory with a Pool and frombuffer."""
