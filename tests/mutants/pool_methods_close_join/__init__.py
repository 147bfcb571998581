"""pool_methods that closes and joins a pool whose worker is stuck."""
