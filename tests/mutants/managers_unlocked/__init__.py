"""managers without the lock."""
