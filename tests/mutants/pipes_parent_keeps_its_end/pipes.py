"""Known wrong: ask() joins the worker without closing the parent's end, so the worker never sees
EOFError and join() waits for ever."""
from multiprocessing import Pipe, Process

from solutions.pipes import answer_requests, collect_from_child, send_items  # noqa: F401


def ask(handler, requests):
    parent_end, child_end = Pipe()
    worker = Process(target=answer_requests, args=(child_end, parent_end, handler))
    worker.start()
    child_end.close()
    answers = []
    for request in requests:
        parent_end.send(request)
        answers.append(parent_end.recv())
    worker.join()
    parent_end.close()
    return answers
