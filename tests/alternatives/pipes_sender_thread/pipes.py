"""A correct alternative: ask() sends every request from a thread while the main thread reads the
answers; ends are closed by `with` blocks; the reader is a generator that stops at EOFError."""
import threading
from multiprocessing import Pipe, Process


def answer_requests(conn, parent_end, handler):
    parent_end.close()
    count = 0
    with conn:
        try:
            while True:
                request = conn.recv()
                conn.send(handler(request))
                count += 1
        except EOFError:
            pass
    return count


def _send_each(conn, requests):
    for request in requests:
        conn.send(request)


def ask(handler, requests):
    parent_end, child_end = Pipe()
    worker = Process(target=answer_requests, args=(child_end, parent_end, handler))
    worker.start()
    child_end.close()
    with parent_end:
        sender = threading.Thread(target=_send_each, args=(parent_end, requests))
        sender.start()
        answers = [parent_end.recv() for _ in requests]
        sender.join()
    worker.join()
    return answers


def send_items(writer, produce, arg):
    with writer:
        for item in produce(arg):
            writer.send(item)


def _until_eof(reader):
    while True:
        try:
            yield reader.recv()
        except EOFError:
            return


def collect_from_child(produce, arg):
    reader, writer = Pipe(duplex=False)
    child = Process(target=send_items, args=(writer, produce, arg), name="producer")
    child.start()
    writer.close()
    with reader:
        items = list(_until_eof(reader))
    child.join()
    return items, child.exitcode
