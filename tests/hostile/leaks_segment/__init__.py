"""Code that never unlinks a SharedMemory segment."""
