"""Known wrong: puts the items of every round before waiting once, so rounds overlap. It still
watches for a dead consumer."""
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
    if _round_done(queue, servers):
        for _ in servers:
            queue.put(SENTINEL)
    else:
        for process in servers:
            if process.is_alive():
                process.terminate()
    for process in servers:
        process.join()
    return [process.exitcode for process in servers]
