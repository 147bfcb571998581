"""Known wrong: one sentinel per producer. With more consumers than producers, the consumers
left without a sentinel wait in get() forever, and so does the join() that waits for them."""
from multiprocessing import Process, Queue

from solutions.queues import SENTINEL, _consume, _produce, process_in_rounds  # noqa: F401


def produce_and_consume(batches, handle, consumers):
    queue = Queue()
    producers = [Process(target=_produce, args=(batch, queue)) for batch in batches]
    workers = [Process(target=_consume, args=(queue, handle)) for _ in range(consumers)]
    for process in workers + producers:
        process.start()
    for process in producers:
        process.join()
        queue.put(SENTINEL)
    for process in workers:
        process.join()
