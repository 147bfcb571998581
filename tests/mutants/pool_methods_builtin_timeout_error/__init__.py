"""pool_methods that catches the builtin TimeoutError."""
