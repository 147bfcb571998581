"""dask_cluster with submit() for every task, results taken with as_completed's own, the array
broadcast to every worker, and client.shutdown() closing everything at once."""
