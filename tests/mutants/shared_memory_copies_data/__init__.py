"""shared_memory that sends the slices themselves to the workers."""
