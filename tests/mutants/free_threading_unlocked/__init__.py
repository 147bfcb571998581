"""free_threading updating the counter without a lock."""
