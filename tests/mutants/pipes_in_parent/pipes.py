"""Known wrong: ask() computes every answer in the calling process; no worker, no pipe."""
from solutions.pipes import answer_requests, collect_from_child, send_items  # noqa: F401


def ask(handler, requests):
    return [handler(request) for request in requests]
