"""dask_cluster whose results wait for the slow ones."""
