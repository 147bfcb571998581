"""Known wrong: the consumers are threads of the calling process, taking turns on its GIL."""
import threading
from multiprocessing import Process, Queue

from solutions.queues import SENTINEL, _consume, _produce, process_in_rounds  # noqa: F401


def produce_and_consume(batches, handle, consumers):
    queue = Queue()
    producers = [Process(target=_produce, args=(batch, queue)) for batch in batches]
    workers = [threading.Thread(target=_consume, args=(queue, handle)) for _ in range(consumers)]
    for worker in workers:
        worker.start()
    for process in producers:
        process.start()
    for process in producers:
        process.join()
    for _ in workers:
        queue.put(SENTINEL)
    for worker in workers:
        worker.join()
