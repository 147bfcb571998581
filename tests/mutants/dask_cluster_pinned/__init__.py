"""dask_cluster that spreads the tasks over the workers itself, each pinned to one."""
