"""dask_cluster that sends the large array with every task."""
