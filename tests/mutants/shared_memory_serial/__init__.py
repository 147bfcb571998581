"""shared_memory transformed in the parent."""
