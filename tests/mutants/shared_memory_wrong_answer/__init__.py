"""shared_memory slices that drop the remainder."""
