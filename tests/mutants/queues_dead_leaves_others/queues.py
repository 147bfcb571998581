"""Known wrong: notices the dead consumer and returns, but never stops or joins the others."""
from multiprocessing import JoinableQueue, Process

from solutions.queues import SENTINEL, _round_done, _serve, produce_and_consume  # noqa: F401


def process_in_rounds(rounds, handle, workers):
    queue = JoinableQueue()
    servers = [Process(target=_serve, args=(queue, handle)) for _ in range(workers)]
    for process in servers:
        process.start()
    for items in rounds:
        for item in items:
            queue.put(item)
        if not _round_done(queue, servers):
            return [process.exitcode for process in servers]
    for _ in servers:
        queue.put(SENTINEL)
    for process in servers:
        process.join()
    return [process.exitcode for process in servers]
