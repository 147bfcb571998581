"""free_threading on an executor of one thread."""
