"""Reference solution for queues."""

import threading
from multiprocessing import JoinableQueue, Process, Queue

SENTINEL = None
WATCH_S = 0.05


def _produce(batch, queue):
    for item in batch:
        queue.put(item)


def _consume(queue, handle):
    while True:
        item = queue.get()
        if item is SENTINEL:
            return
        handle(item)


def produce_and_consume(batches, handle, consumers):
    queue = Queue()
    producers = [Process(target=_produce, args=(batch, queue)) for batch in batches]
    workers = [Process(target=_consume, args=(queue, handle)) for _ in range(consumers)]
    # Consumers run while producers put: a producer cannot exit until its items are taken.
    for process in workers + producers:
        process.start()
    for process in producers:
        process.join()
    # Only now is every item on the queue ahead of the sentinels.
    for _ in workers:
        queue.put(SENTINEL)
    for process in workers:
        process.join()


def _serve(queue, handle):
    while True:
        item = queue.get()
        try:
            if item is SENTINEL:
                return
            handle(item)
        finally:
            queue.task_done()


def _join_and_signal(queue, done):
    queue.join()
    done.set()


def _round_done(queue, workers):
    """True once every item put so far is done; False as soon as a worker has died."""
    done = threading.Event()
    # join() has no timeout, so it waits on a thread of its own while the workers are watched.
    threading.Thread(target=_join_and_signal, args=(queue, done), daemon=True).start()
    while not done.wait(WATCH_S):
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
