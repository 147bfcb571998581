"""why_processes with threading.Thread objects of its own and a ProcessPoolExecutor."""
