"""Dask: the same tasks on a cluster, for when one machine is not enough.

Track: modern (`grade --track modern`). Needs Dask's distributed scheduler: `python -m pip
install -e '.[modern]'`. Lesson: "Modern Parallel Python" (Dask, parallel computing for
analytics).

A Pool lives inside one program on one machine. A Dask cluster is a scheduler and any number of
workers, each a process, anywhere on the network, and a Client is your program's handle on it:

    from dask.distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=4, threads_per_worker=1, processes=True)
    client = Client(cluster)                 # or Client("tcp://10.0.0.5:8786")
    futures = client.map(func, items)        # returns at once: one future per item
    results = client.gather(futures)         # waits, and keeps the order of the items

LocalCluster starts the scheduler inside your process and the workers as processes of their
own: a cluster on your machine, and the stand-in for a real one. Everything after the Client is
the same code whatever the cluster is. To try it across machines, start a scheduler on one
(`dask scheduler`, which prints its address), a worker on each of the others (`dask worker
tcp://ADDRESS:8786`), and connect with `connect("tcp://ADDRESS:8786")`; `python
exercises/dask_cluster.py tcp://ADDRESS:8786` runs this file's functions there.

What a cluster asks of you, each a check here:

- Futures. client.map() and client.submit(func, *args) hand the work over and return futures
  at once; client.gather(futures) waits for all of them, in order; as_completed(futures) gives
  each one as soon as it is done.
- Data sent once. Every argument of submit() travels with its task, to the scheduler and on to a
  worker. For a large array, client.scatter(array) sends it once and returns a future that
  stands for it: pass the future to the tasks, and each worker fetches the data once.
- Machines fail. When a worker dies, the scheduler runs the tasks it held again on the others,
  and a Nanny starts a new worker in its place. Your code loses nothing, as long as it lets the
  scheduler choose where tasks run. (The grader kills one of your workers to see.)
- Closing. The client and the cluster are two things: close the client, then the cluster.

The grader starts your cluster once, with start_cluster(), and uses it for every check; its
start-up is never part of a timing. The functions you hand to the cluster must be importable
(defined at module level), as with a Pool.
"""

import sys

from dask.distributed import Client, LocalCluster, as_completed  # noqa: F401  (you will need them)


def start_cluster(workers):
    """A Client connected to a new LocalCluster of `workers` worker processes, one thread each.

    Args:
        workers: how many worker processes.

    Returns:
        The Client (its cluster is client.cluster).

    Example:
        >>> client = start_cluster(2)
        >>> len(client.scheduler_info()["workers"])
        2
    """
    # TODO: LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
    # TODO: dashboard_address=None): one process per worker, one task at a time in each, and no
    # TODO: web dashboard (this kit has no use for one). Then return Client(cluster).
    raise NotImplementedError("start_cluster: make a LocalCluster of `workers` processes with one thread each, and return Client(cluster)")


def connect(address):
    """A Client connected to a running cluster's scheduler, anywhere on the network.

    Args:
        address: the scheduler's address, as `dask scheduler` prints it ("tcp://10.0.0.5:8786").

    Returns:
        The Client. Every other function here works on it unchanged.

    Example:
        >>> client = connect("tcp://10.0.0.5:8786")   # after `dask scheduler` on that machine
        >>> map_on_cluster(client, abs, [-1, 2, -3])
        [1, 2, 3]
    """
    # TODO: one line: a Client made from the address.
    raise NotImplementedError("connect: return Client(address)")


def map_on_cluster(client, func, items):
    """func(item) for every item, on the cluster's workers, in the order of the items.

    Args:
        client: a Client (from start_cluster or connect).
        func: a function defined at module level, taking one item.
        items: a list of items.

    Returns:
        A list with func(item) for every item, in the order of `items` ([] for no items).

    Example:
        >>> map_on_cluster(client, abs, [-1, 2, -3])
        [1, 2, 3]
    """
    # TODO: hand every item over with client.map, then gather the futures.
    raise NotImplementedError("map_on_cluster: return client.gather(client.map(func, items))")


def as_they_finish(client, func, items):
    """Yield func(item) for every item as soon as each is ready, whatever the order of the items.

    Args:
        client: a Client.
        func: a function defined at module level, taking one item.
        items: a list of items.

    Yields:
        func(item) for every item, each exactly once, in the order the tasks finish.

    Example:
        >>> sorted(as_they_finish(client, abs, [-1, 2, -3]))
        [1, 2, 3]
    """
    # TODO: client.map as above, then loop over as_completed(futures), yielding each result.
    raise NotImplementedError("as_they_finish: loop over as_completed(client.map(func, items)) and yield future.result()")


def block_results(client, func, table, blocks):
    """func(table, start, stop) for each of `blocks` equal blocks of a large NumPy array, with
    the array sent to the cluster once.

    Args:
        client: a Client.
        func: a function defined at module level, called as func(table, start, stop) with the
            whole array and the bounds of one block.
        table: a one-dimensional NumPy array, megabytes large.
        blocks: how many blocks to cut it into (the last may be longer).

    Returns:
        A list with func's result for every block, in block order.

    Example:
        >>> import numpy as np
        >>> def block_sum(table, start, stop):  # at module level in real code
        ...     return int(table[start:stop].sum())
        >>> block_results(client, block_sum, np.arange(10), blocks=2)
        [10, 35]
    """
    # TODO: send the table once: table_future = client.scatter(table).
    # TODO: the bounds of `blocks` equal blocks (integer division; the last ends at len(table)).
    # TODO: one client.submit(func, table_future, start, stop) per block, then gather them.
    raise NotImplementedError("block_results: scatter the table once, then submit func(table_future, start, stop) for each block and gather")


def close_cluster(client):
    """Close the client, then the cluster it is connected to (if it started one).

    Args:
        client: the Client that start_cluster returned.

    Example:
        >>> close_cluster(client)   # its workers have ended when it returns
    """
    # TODO: keep client.cluster, close the client, then close that cluster (it is None for a
    # TODO: client made by connect(), whose cluster is not yours to close).
    raise NotImplementedError("close_cluster: cluster = client.cluster; client.close(); then cluster.close()")


if __name__ == "__main__":
    # python exercises/dask_cluster.py [tcp://ADDRESS:8786]: the same code, here or on a cluster.
    client = connect(sys.argv[1]) if len(sys.argv) > 1 else start_cluster(2)
    print("workers:", list(client.scheduler_info()["workers"]))
    print("results:", map_on_cluster(client, abs, list(range(-5, 5))))
    close_cluster(client)
