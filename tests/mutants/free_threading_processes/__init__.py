"""free_threading on processes instead of threads."""
