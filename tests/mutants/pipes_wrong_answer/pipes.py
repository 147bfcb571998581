"""Known wrong: the worker sends back (request, answer) pairs instead of the answers."""
from multiprocessing import Pipe, Process

from solutions.pipes import collect_from_child, send_items  # noqa: F401


def answer_requests(conn, parent_end, handler):
    parent_end.close()
    answered = 0
    while True:
        try:
            request = conn.recv()
        except EOFError:
            break
        conn.send((request, handler(request)))
        answered += 1
    conn.close()
    return answered


def ask(handler, requests):
    parent_end, child_end = Pipe()
    worker = Process(target=answer_requests, args=(child_end, parent_end, handler))
    worker.start()
    child_end.close()
    answers = []
    for request in requests:
        parent_end.send(request)
        answers.append(parent_end.recv())
    parent_end.close()
    worker.join()
    return answers
