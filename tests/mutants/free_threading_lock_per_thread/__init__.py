"""free_threading with a lock of each thread's own."""
