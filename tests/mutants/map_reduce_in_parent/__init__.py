"""map_reduce counting every chunk in the parent process."""
