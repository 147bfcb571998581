"""dask_cluster that closes the client and leaves the cluster running."""
