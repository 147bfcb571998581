"""map_reduce splitting lines on whitespace."""
