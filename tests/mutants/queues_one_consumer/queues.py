"""Known wrong: one consumer process does all the handling; the sentinels it does not take
are left on the queue."""
from multiprocessing import Process, Queue

from solutions.queues import SENTINEL, _consume, _produce, process_in_rounds  # noqa: F401


def produce_and_consume(batches, handle, consumers):
    queue = Queue()
    producers = [Process(target=_produce, args=(batch, queue)) for batch in batches]
    consumer = Process(target=_consume, args=(queue, handle))
    for process in [consumer] + producers:
        process.start()
    for process in producers:
        process.join()
    for _ in range(consumers):
        queue.put(SENTINEL)
    consumer.join()
