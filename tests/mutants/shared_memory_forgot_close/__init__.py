"""shared_memory whose parent never closes its handle."""
