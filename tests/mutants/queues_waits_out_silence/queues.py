"""Known wrong: consumers stop once the queue has stayed empty for 1.5 s, with no sentinels. It
loses nothing while the producers are never quiet for that long, and would lose items the day
one is."""
import queue as queues
from multiprocessing import Process, Queue

from solutions.queues import _produce, process_in_rounds  # noqa: F401

QUIET_S = 1.5


def _consume_until_quiet(queue, handle):
    while True:
        try:
            item = queue.get(timeout=QUIET_S)
        except queues.Empty:
            return
        handle(item)


def produce_and_consume(batches, handle, consumers):
    queue = Queue()
    producers = [Process(target=_produce, args=(batch, queue)) for batch in batches]
    workers = [Process(target=_consume_until_quiet, args=(queue, handle)) for _ in range(consumers)]
    for process in producers + workers:
        process.start()
    for process in producers + workers:
        process.join()
