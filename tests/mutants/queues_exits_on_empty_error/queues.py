"""Known wrong: no sentinels; each consumer waits at most half a second for an item, and the
queue.Empty that get() then raises ends it with exit code 1."""
from multiprocessing import Process, Queue

from solutions.queues import _produce, process_in_rounds  # noqa: F401


def _consume_until_quiet(queue, handle):
    while True:
        handle(queue.get(timeout=0.5))


def produce_and_consume(batches, handle, consumers):
    queue = Queue()
    producers = [Process(target=_produce, args=(batch, queue)) for batch in batches]
    workers = [Process(target=_consume_until_quiet, args=(queue, handle)) for _ in range(consumers)]
    for process in workers + producers:
        process.start()
    for process in producers + workers:
        process.join()
