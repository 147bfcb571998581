"""Reference solution for pipes."""

from multiprocessing import Pipe, Process


def answer_requests(conn, parent_end, handler):
    # Whether inherited (fork) or handed over (spawn), this copy would keep the pipe open.
    parent_end.close()
    answered = 0
    while True:
        try:
            request = conn.recv()
        except EOFError:
            break
        conn.send(handler(request))
        answered += 1
    conn.close()
    return answered


def ask(handler, requests):
    parent_end, child_end = Pipe()
    worker = Process(target=answer_requests, args=(child_end, parent_end, handler))
    worker.start()
    child_end.close()
    answers = []
    # One request, then its answer: only one side is ever sending, so no message is too large.
    for request in requests:
        parent_end.send(request)
        answers.append(parent_end.recv())
    parent_end.close()
    worker.join()
    return answers


def send_items(writer, produce, arg):
    for item in produce(arg):
        writer.send(item)
    writer.close()


def collect_from_child(produce, arg):
    reader, writer = Pipe(duplex=False)
    child = Process(target=send_items, args=(writer, produce, arg))
    child.start()
    # While this copy of the writing end is open, recv() can never raise EOFError.
    writer.close()
    items = []
    while True:
        try:
            items.append(reader.recv())
        except EOFError:
            break
    reader.close()
    child.join()
    return items, child.exitcode
