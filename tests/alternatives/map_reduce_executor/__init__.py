"""map_reduce written with ProcessPoolExecutor, str.translate and sum() of Counters."""
