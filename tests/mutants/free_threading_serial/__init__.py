"""free_threading computing every item on the calling thread."""
