"""Known wrong: every producer puts the items of every batch, so each item is handled once per
producer."""
from multiprocessing import Process, Queue

from solutions.queues import SENTINEL, _consume, process_in_rounds  # noqa: F401


def _produce_all(batches, queue):
    for batch in batches:
        for item in batch:
            queue.put(item)


def produce_and_consume(batches, handle, consumers):
    queue = Queue()
    producers = [Process(target=_produce_all, args=(batches, queue)) for _ in batches]
    workers = [Process(target=_consume, args=(queue, handle)) for _ in range(consumers)]
    for process in workers + producers:
        process.start()
    for process in producers:
        process.join()
    for _ in workers:
        queue.put(SENTINEL)
    for process in workers:
        process.join()
