"""executor work done on a multiprocessing.Pool, which waits forever for a dead worker."""
