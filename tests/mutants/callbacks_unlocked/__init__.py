"""callbacks with a tracker changed without its lock."""
