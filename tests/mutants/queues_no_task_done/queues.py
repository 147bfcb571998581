"""Known wrong: the consumers never call task_done(), so the queue's join() never returns."""
from multiprocessing import JoinableQueue, Process

from solutions.queues import SENTINEL, _consume, produce_and_consume  # noqa: F401


def process_in_rounds(rounds, handle, workers):
    queue = JoinableQueue()
    servers = [Process(target=_consume, args=(queue, handle)) for _ in range(workers)]
    for process in servers:
        process.start()
    for items in rounds:
        for item in items:
            queue.put(item)
        queue.join()
    for _ in servers:
        queue.put(SENTINEL)
    for process in servers:
        process.join()
    return [process.exitcode for process in servers]
