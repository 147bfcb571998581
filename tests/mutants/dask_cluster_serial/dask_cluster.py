"""Known wrong: map_on_cluster waits for each task's result before it submits the next."""
from solutions.dask_cluster import (as_they_finish, block_results, close_cluster,  # noqa: F401
                                    connect, start_cluster)


def map_on_cluster(client, func, items):
    return [client.submit(func, item).result() for item in items]
