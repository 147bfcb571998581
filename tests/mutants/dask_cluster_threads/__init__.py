"""dask_cluster whose workers are threads of the calling process."""
