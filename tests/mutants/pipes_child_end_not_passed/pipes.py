"""Known wrong, under fork only: ask() runs a worker of its own that is given only its own end.
Under spawn and forkserver the child has no copy of the parent's end and all is well; under fork
it inherits one, never closes it, and never sees EOFError."""
from multiprocessing import Pipe, Process

from solutions.pipes import answer_requests, collect_from_child, send_items  # noqa: F401


def _serve(conn, handler):
    while True:
        try:
            request = conn.recv()
        except EOFError:
            break
        conn.send(handler(request))


def ask(handler, requests):
    parent_end, child_end = Pipe()
    worker = Process(target=_serve, args=(child_end, handler))
    worker.start()
    child_end.close()
    answers = []
    for request in requests:
        parent_end.send(request)
        answers.append(parent_end.recv())
    parent_end.close()
    worker.join()
    return answers
