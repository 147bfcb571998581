"""pool_map written with concurrent.futures.ProcessPoolExecutor instead of Pool."""
