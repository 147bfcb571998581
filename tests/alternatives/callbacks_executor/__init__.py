"""callbacks with a ProcessPoolExecutor and Future.add_done_callback."""
