"""free_threading holding a lock around the work itself."""
