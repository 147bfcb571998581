"""pool_methods that maps, waits, and only then does its own work."""
