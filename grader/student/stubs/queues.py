"""Producers and consumers that talk through queues, and stop cleanly.

Lesson: "Queues for Communication".

A `multiprocessing.Queue` carries pickled objects between processes: any number of producers
put() items on it, any number of consumers get() them off, and each item goes to exactly one
consumer. get() waits until there is an item, so a consumer is a loop:

    while True:
        item = queue.get()
        if item is None:        # the sentinel: "nothing more is coming"
            break
        handle(item)

Three things decide whether such a program is right.

1. How consumers learn that the stream has ended. An empty queue means nothing: a producer may
   simply be slow. The end is a sentinel (here None), one per consumer, since each consumer
   takes one and stops; and the sentinels go on the queue only after every producer has been
   joined, so that they come after the last item.
2. The order of the joins. A process that has put items on a queue does not exit until they
   have been taken off (large items do not fit in the pipe's buffer). So start the consumers
   before you wait for the producers: joining producers that nobody is draining waits forever.
3. A `JoinableQueue` counts the items put on it; each consumer calls `task_done()` once per item
   it took, and `join()` on the queue waits until every item put so far is done, while the
   consumers stay up for the next batch of work. But `join()` has no timeout: if a consumer dies
   in the middle of an item, that item is never done, and `join()` waits forever. Run it on a
   thread of your own (`threading.Thread`) and, while it waits, watch the consumers.

Targets must be functions defined at module level: under the spawn and forkserver start
methods a child imports your module by name to find them. Pass the queue to each Process in
args=(...); a queue travels to a child only that way.
"""

from multiprocessing import JoinableQueue, Process, Queue  # noqa: F401  (you will need them)
import threading  # noqa: F401


def produce_and_consume(batches, handle, consumers):
    """Put every item of every batch through one Queue, to be handled by `consumers` consumers.

    Start one producer process per batch, which iterates its batch and puts each item on a
    shared Queue, and `consumers` consumer processes, which take items off the queue and call
    handle(item) until they take a sentinel (None). Start the consumers before you join the
    producers; once every producer has been joined, put one sentinel per consumer, then join
    the consumers.

    Args:
        batches: a list of iterables of items, one per producer (never holding None).
        handle: a function defined at module level, called once per item in a consumer.
        consumers: how many consumer processes to start.

    Returns:
        None, once every item has been handled exactly once and every process has been joined.

    Example:
        >>> produce_and_consume([[1, 2], [3]], print, consumers=2)   # prints 1, 2 and 3, in
        ...                                                          # some order, from 2 consumers
    """
    # TODO: write a module-level producer (put each item of its batch) and consumer (get items and
    # TODO: call handle until the sentinel); start consumers and producers, join the producers,
    # TODO: put one sentinel per consumer, join the consumers.
    raise NotImplementedError("produce_and_consume: start a producer Process per batch and "
                              "`consumers` consumer Processes sharing one Queue")


def process_in_rounds(rounds, handle, workers):
    """Handle the items of each round on `workers` consumers, one round after another.

    Start `workers` consumer processes once, sharing one JoinableQueue: each takes an item, calls
    handle(item), then task_done(), until it takes a sentinel (None). For each round, put its
    items on the queue, then wait until all of them are done (the queue's join()) before putting
    the next round's. After the last round, put one sentinel per consumer and join them.

    A consumer may die in the middle of an item (its process killed): then join() would wait
    forever. Wait in a way that notices: as soon as a consumer has died, stop. Put no more
    rounds, stop the other consumers (terminate() them) and join every one.

    Args:
        rounds: a list of lists of items (never None).
        handle: a function defined at module level, called once per item in a consumer.
        workers: how many consumer processes to start.

    Returns:
        The consumers' exit codes, in the order they were started: all 0 when every round was
        done; the code of a consumer that died is not 0, and reports it.

    Example:
        >>> process_in_rounds([[1, 2], [3, 4]], print, workers=2)   # 1 and 2, then 3 and 4
        [0, 0]
    """
    # TODO: a module-level consumer loop that calls task_done() for every item it takes.
    # TODO: per round: put the items, then wait for queue.join() on a thread while checking
    # TODO: that every consumer is_alive(); on a death, terminate the rest and stop.
    raise NotImplementedError("process_in_rounds: start `workers` consumer Processes on one "
                              "JoinableQueue that call task_done() after each item")
