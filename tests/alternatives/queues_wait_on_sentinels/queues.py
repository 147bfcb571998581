"""A correct alternative: an explicit context; the caller sleeps in connection.wait() on the
consumers' process sentinels and on a pipe that a thread writes to once the queue's join()
returns, so a death wakes it at once, without polling."""
import threading
import multiprocessing
from multiprocessing.connection import wait

ctx = multiprocessing.get_context()
STOP = None


def _put_all(batch, items):
    for item in batch:
        items.put(item)


def _take_until_stop(items, handle):
    for item in iter(items.get, STOP):
        handle(item)


def produce_and_consume(batches, handle, consumers):
    items = ctx.Queue()
    takers = [ctx.Process(target=_take_until_stop, args=(items, handle)) for _ in range(consumers)]
    for process in takers:
        process.start()
    putters = [ctx.Process(target=_put_all, args=(batch, items)) for batch in batches]
    for process in putters:
        process.start()
    for process in putters:
        process.join()
    for _ in takers:
        items.put(STOP)
    for process in takers:
        process.join()


def _serve(items, handle):
    while True:
        item = items.get()
        if item is STOP:
            items.task_done()
            return
        handle(item)
        items.task_done()


def _signal_when_done(items, sender):
    items.join()
    sender.send(True)


def process_in_rounds(rounds, handle, workers):
    items = ctx.JoinableQueue()
    servers = [ctx.Process(target=_serve, args=(items, handle)) for _ in range(workers)]
    for process in servers:
        process.start()
    died = False
    for batch in rounds:
        for item in batch:
            items.put(item)
        receiver, sender = ctx.Pipe(duplex=False)
        threading.Thread(target=_signal_when_done, args=(items, sender), daemon=True).start()
        ready = wait([receiver] + [process.sentinel for process in servers])
        receiver.close()
        if receiver not in ready:
            died = True
            break
    if died:
        for process in servers:
            process.kill()
    else:
        for _ in servers:
            items.put(STOP)
    for process in servers:
        process.join()
    return [process.exitcode for process in servers]
