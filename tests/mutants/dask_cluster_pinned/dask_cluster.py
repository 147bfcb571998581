"""Known wrong: map_on_cluster spreads the tasks over the workers itself, each pinned to one
(workers=...), so a task of a worker that dies waits for it forever."""
from solutions.dask_cluster import (as_they_finish, block_results, close_cluster,  # noqa: F401
                                    connect, start_cluster)


def map_on_cluster(client, func, items):
    workers = sorted(client.scheduler_info()["workers"])
    futures = [client.submit(func, item, workers=[workers[i % len(workers)]], pure=False)
               for i, item in enumerate(items)]
    return client.gather(futures)
