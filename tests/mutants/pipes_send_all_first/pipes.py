"""Known wrong: ask() sends every request before reading any answer. Small messages fit in the
pipe's buffer and pass; with 1 MB each way both sides end up sending and neither reading."""
from multiprocessing import Pipe, Process

from solutions.pipes import answer_requests, collect_from_child, send_items  # noqa: F401


def ask(handler, requests):
    parent_end, child_end = Pipe()
    worker = Process(target=answer_requests, args=(child_end, parent_end, handler))
    worker.start()
    child_end.close()
    for request in requests:
        parent_end.send(request)
    answers = [parent_end.recv() for _ in requests]
    parent_end.close()
    worker.join()
    return answers
