"""Hostile: each child starts a grandchild that sleeps forever, then exits without joining it."""
import os
from multiprocessing import Process

from solutions import process_basics as _solution
from solutions.process_basics import results_from_children, run_with_deadline  # noqa: F401


def _sleep_forever():
    import time
    while True:
        time.sleep(1)


def _abandon(target, args):
    Process(target=_sleep_forever).start()
    try:
        target(*args)
    except SystemExit as exit_:
        os._exit(exit_.code or 0)
    os._exit(0)


def start_all_then_join(target, args_list):
    processes = [Process(target=_abandon, args=(target, args)) for args in args_list]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    return [process.exitcode for process in processes]
