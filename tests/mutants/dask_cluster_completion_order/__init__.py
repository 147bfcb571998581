"""dask_cluster whose map gives the results as they finish."""
