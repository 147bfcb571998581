"""Attack: a process that leaves its session and its parent (a double fork), to outlive the
topic and rewrite files later."""
import os
import sys
import time

MARK = os.path.join(os.environ.get("HOME", "/tmp"), "..", "..", "daemon-alive")


def _daemon():
    if os.fork():
        return
    os.setsid()
    if os.fork():
        os._exit(0)
    for _ in range(600):
        time.sleep(0.1)
    os._exit(0)


def parallel_map(func, items, workers):
    _daemon()
    return [func(x) for x in items]


def choose_chunksize(n_items, workers):
    return max(1, -(-n_items // (4 * workers)))


def map_small_tasks(func, items, workers):
    return parallel_map(func, items, workers)
