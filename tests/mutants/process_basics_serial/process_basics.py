"""Known wrong: each process is joined before the next starts, so none overlap."""
from multiprocessing import Process

from solutions.process_basics import results_from_children, run_with_deadline  # noqa: F401


def start_all_then_join(target, args_list):
    codes = []
    for args in args_list:
        process = Process(target=target, args=args)
        process.start()
        process.join()
        codes.append(process.exitcode)
    return codes
