"""Known wrong: the large array is passed to every task, and travels with each one."""
from solutions.dask_cluster import (as_they_finish, close_cluster, connect,  # noqa: F401
                                    map_on_cluster, start_cluster)


def block_results(client, func, table, blocks):
    size = len(table) // blocks
    bounds = [(i * size, (i + 1) * size if i < blocks - 1 else len(table)) for i in range(blocks)]
    return client.gather([client.submit(func, table, start, stop) for start, stop in bounds])
