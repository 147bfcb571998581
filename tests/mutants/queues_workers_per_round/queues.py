"""Known wrong: new consumer processes for every round, stopped with sentinels at its end,
instead of the same consumers waited on with the queue's join()."""
from multiprocessing import Process, Queue

from solutions.queues import SENTINEL, _consume, produce_and_consume  # noqa: F401


def process_in_rounds(rounds, handle, workers):
    codes = [0] * workers
    for items in rounds:
        queue = Queue()
        servers = [Process(target=_consume, args=(queue, handle)) for _ in range(workers)]
        for process in servers:
            process.start()
        for item in items:
            queue.put(item)
        for _ in servers:
            queue.put(SENTINEL)
        for process in servers:
            process.join()
        codes = [process.exitcode for process in servers]
        if any(codes):
            break
    return codes
