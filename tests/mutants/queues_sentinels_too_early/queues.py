"""Known wrong: the sentinels go on the queue right after the processes start, ahead of items
the producers have not put yet, so consumers stop before the stream has ended."""
from multiprocessing import Process, Queue

from solutions.queues import SENTINEL, _consume, _produce, process_in_rounds  # noqa: F401


def produce_and_consume(batches, handle, consumers):
    queue = Queue()
    producers = [Process(target=_produce, args=(batch, queue)) for batch in batches]
    workers = [Process(target=_consume, args=(queue, handle)) for _ in range(consumers)]
    for process in workers + producers:
        process.start()
    for _ in workers:
        queue.put(SENTINEL)
    for process in producers + workers:
        process.join()
