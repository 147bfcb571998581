"""Known wrong: once it has its answers, ask() terminates the worker instead of closing its end
and letting the worker end by itself."""
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
    worker.terminate()
    worker.join()
    parent_end.close()
    return answers
