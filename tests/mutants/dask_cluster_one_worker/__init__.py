"""dask_cluster with one worker process running a thread per task slot."""
