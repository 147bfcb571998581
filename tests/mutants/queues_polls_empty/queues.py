"""Known wrong: consumers loop while not queue.empty(), so a moment when the producers are
slower than the consumers ends them early. No sentinels."""
from multiprocessing import Process, Queue

from solutions.queues import _produce, process_in_rounds  # noqa: F401


def _consume_until_empty(queue, handle):
    while not queue.empty():
        handle(queue.get())


def produce_and_consume(batches, handle, consumers):
    queue = Queue()
    producers = [Process(target=_produce, args=(batch, queue)) for batch in batches]
    workers = [Process(target=_consume_until_empty, args=(queue, handle)) for _ in range(consumers)]
    for process in producers + workers:
        process.start()
    for process in producers + workers:
        process.join()
