"""callbacks with a callback that raises on the pool's result thread."""
