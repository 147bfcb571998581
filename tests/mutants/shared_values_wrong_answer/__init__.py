"""shared_values that puts values in the wrong bins."""
