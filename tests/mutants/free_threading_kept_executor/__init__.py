"""free_threading keeping one executor for every call."""
