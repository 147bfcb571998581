"""free_threading that starts the counts again from nothing."""
