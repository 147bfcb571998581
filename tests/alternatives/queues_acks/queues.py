"""A correct alternative: Process subclasses; in rounds, consumers acknowledge each item on a
second queue, and the caller counts the acknowledgements, looking at the consumers whenever
none comes for a moment."""
import queue as queue_module
from multiprocessing import Process, Queue

DONE = None
PATIENCE_S = 0.1


class Producer(Process):
    def __init__(self, batch, items):
        super().__init__()
        self.batch, self.items = batch, items

    def run(self):
        for item in self.batch:
            self.items.put(item)


class Consumer(Process):
    def __init__(self, items, handle, acks=None):
        super().__init__()
        self.items, self.handle, self.acks = items, handle, acks

    def run(self):
        if self.acks is not None:
            # A consumer that dies just after an acknowledgement can die holding the queue's
            # write lock; without this the survivors would wait forever at exit to flush theirs.
            # Nothing is lost: the caller takes every acknowledgement before the sentinels.
            self.acks.cancel_join_thread()
        for item in iter(self.items.get, DONE):
            self.handle(item)
            if self.acks is not None:
                self.acks.put(True)


def produce_and_consume(batches, handle, consumers):
    items = Queue()
    producers = [Producer(batch, items) for batch in batches]
    workers = [Consumer(items, handle) for _ in range(consumers)]
    for process in producers + workers:
        process.start()
    for process in producers:
        process.join()
    for _ in workers:
        items.put(DONE)
    for process in workers:
        process.join()


def _all_acknowledged(acks, count, workers):
    """Wait for `count` acknowledgements; False as soon as a worker has ended without them."""
    while count:
        try:
            acks.get(timeout=PATIENCE_S)
            count -= 1
        except queue_module.Empty:
            if any(worker.exitcode is not None for worker in workers):
                return False
    return True


def process_in_rounds(rounds, handle, workers):
    items, acks = Queue(), Queue()
    consumers = [Consumer(items, handle, acks) for _ in range(workers)]
    for process in consumers:
        process.start()
    for batch in rounds:
        for item in batch:
            items.put(item)
        if not _all_acknowledged(acks, len(batch), consumers):
            break
    # The survivors finish what is left of this round, then take their sentinels.
    for _ in consumers:
        items.put(DONE)
    for process in consumers:
        process.join()
    return [process.exitcode for process in consumers]
