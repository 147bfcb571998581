"""shared_memory with one worker process."""
