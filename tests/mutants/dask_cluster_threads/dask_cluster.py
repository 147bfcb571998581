"""Known wrong: a cluster whose workers are threads of the calling process (processes=False),
which take turns on one core under the GIL and die with it."""
from dask.distributed import Client, LocalCluster

from solutions.dask_cluster import (as_they_finish, block_results, close_cluster,  # noqa: F401
                                    connect, map_on_cluster)


def start_cluster(workers):
    return Client(LocalCluster(n_workers=workers, threads_per_worker=1, processes=False,
                               dashboard_address=None))
