"""managers taking the lock again while holding it."""
