"""Known wrong: each consumer calls handle() on what it takes before looking for the sentinel."""
from multiprocessing import Process, Queue

from solutions.queues import SENTINEL, _produce, process_in_rounds  # noqa: F401


def _consume(queue, handle):
    while True:
        item = queue.get()
        handle(item)
        if item is SENTINEL:
            return


def produce_and_consume(batches, handle, consumers):
    queue = Queue()
    producers = [Process(target=_produce, args=(batch, queue)) for batch in batches]
    workers = [Process(target=_consume, args=(queue, handle)) for _ in range(consumers)]
    for process in workers + producers:
        process.start()
    for process in producers:
        process.join()
    for _ in workers:
        queue.put(SENTINEL)
    for process in workers:
        process.join()
