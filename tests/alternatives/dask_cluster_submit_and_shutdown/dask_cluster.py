"""dask_cluster written another way: a task at a time with submit(), as_completed handing over
the results itself, a broadcast scatter, and one shutdown() for the client and its cluster."""

from dask.distributed import Client, LocalCluster, as_completed


def start_cluster(workers):
    return Client(LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=True))


def connect(address):
    return Client(address)


def map_on_cluster(client, func, items):
    futures = [client.submit(func, item) for item in items]
    return [result for result in client.gather(futures)]


def as_they_finish(client, func, items):
    futures = [client.submit(func, item) for item in items]
    for _, result in as_completed(futures, with_results=True):
        yield result


def block_results(client, func, table, blocks):
    [table_future] = client.scatter([table], broadcast=True)
    step = len(table) // blocks
    starts = [i * step for i in range(blocks)]
    stops = starts[1:] + [len(table)]
    futures = [client.submit(func, table_future, start, stop) for start, stop in zip(starts, stops)]
    return client.gather(futures)


def close_cluster(client):
    client.shutdown()
