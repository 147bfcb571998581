"""dask_cluster that waits for each task's result before it submits the next."""
