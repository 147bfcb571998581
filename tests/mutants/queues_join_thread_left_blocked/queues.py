"""Known wrong: each round's JoinableQueue.join() waits on a thread that is not a daemon; when a
consumer dies that thread is abandoned, blocked for good, and the program could never exit."""
import threading
from multiprocessing import JoinableQueue, Process

from solutions.queues import SENTINEL, WATCH_S, _serve, produce_and_consume  # noqa: F401


def _round_done(queue, workers):
    done = threading.Thread(target=queue.join)
    done.start()
    while done.is_alive():
        done.join(WATCH_S)
        if not all(worker.is_alive() for worker in workers):
            return False
    return True


def process_in_rounds(rounds, handle, workers):
    queue = JoinableQueue()
    servers = [Process(target=_serve, args=(queue, handle)) for _ in range(workers)]
    for process in servers:
        process.start()
    for items in rounds:
        for item in items:
            queue.put(item)
        if not _round_done(queue, servers):
            for process in servers:
                if process.is_alive():
                    process.terminate()
            break
    else:
        for _ in servers:
            queue.put(SENTINEL)
    for process in servers:
        process.join()
    return [process.exitcode for process in servers]
