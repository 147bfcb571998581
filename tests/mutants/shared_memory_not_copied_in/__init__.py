"""shared_memory whose segment never receives the values."""
