"""pool_methods that passes each tuple as one argument."""
