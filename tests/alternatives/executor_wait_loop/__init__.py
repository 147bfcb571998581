"""executor written with wait() loops, future.exception() and a Pool for the timeout."""
