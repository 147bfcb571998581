"""dask_cluster that spreads the tasks over the workers itself, each pinned to one."""

from dask.distributed import Client, LocalCluster, as_completed


def start_cluster(workers):
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                           dashboard_address=None)
    return Client(cluster)


def connect(address):
    return Client(address)


def map_on_cluster(client, func, items):
    workers = sorted(client.scheduler_info()["workers"])
    futures = [client.submit(func, item, workers=[workers[i % len(workers)]], pure=False)
               for i, item in enumerate(items)]
    return client.gather(futures)


def as_they_finish(client, func, items):
    for future in as_completed(client.map(func, items)):
        yield future.result()


def block_results(client, func, table, blocks):
    table_future = client.scatter(table)
    size = len(table) // blocks
    bounds = [(i * size, (i + 1) * size if i < blocks - 1 else len(table)) for i in range(blocks)]
    return client.gather([client.submit(func, table_future, start, stop)
                          for start, stop in bounds])


def close_cluster(client):
    cluster = client.cluster
    client.close()
    if cluster is not None:
        cluster.close()
