"""Known wrong: waits for the producers before any consumer runs. Small items fit in the pipe's
buffer and pass; a producer with large items cannot exit, so the join waits forever."""
from multiprocessing import Process, Queue

from solutions.queues import SENTINEL, _consume, _produce, process_in_rounds  # noqa: F401


def produce_and_consume(batches, handle, consumers):
    queue = Queue()
    producers = [Process(target=_produce, args=(batch, queue)) for batch in batches]
    for process in producers:
        process.start()
    for process in producers:
        process.join()
    workers = [Process(target=_consume, args=(queue, handle)) for _ in range(consumers)]
    for process in workers:
        process.start()
    for _ in workers:
        queue.put(SENTINEL)
    for process in workers:
        process.join()
