"""free_threading written with threading.Thread, results by index, and counts kept per thread and merged once."""
