"""pool_methods that waits for every result with no timeout."""
