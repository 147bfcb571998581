"""Known wrong: map_on_cluster gives the results in the order the tasks finish."""
from dask.distributed import as_completed

from solutions.dask_cluster import (as_they_finish, block_results, close_cluster,  # noqa: F401
                                    connect, start_cluster)


def map_on_cluster(client, func, items):
    return [future.result() for future in as_completed(client.map(func, items))]
