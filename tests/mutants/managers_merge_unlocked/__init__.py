"""managers merging local counts without the lock."""
