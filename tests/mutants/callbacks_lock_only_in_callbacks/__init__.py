"""callbacks that lock in the callbacks but not in the main thread."""
