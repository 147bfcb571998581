"""map_reduce sending the whole text as one chunk."""
