"""Known wrong: one child process runs every target, one after another."""
from multiprocessing import Process

from solutions.process_basics import results_from_children, run_with_deadline  # noqa: F401


def _run_all(target, args_list):
    for args in args_list:
        try:
            target(*args)
        except SystemExit:
            pass


def start_all_then_join(target, args_list):
    process = Process(target=_run_all, args=(target, args_list))
    process.start()
    process.join()
    return [process.exitcode] * len(args_list)
