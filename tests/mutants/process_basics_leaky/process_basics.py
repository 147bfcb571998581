"""Known wrong: after the deadline the hung child is neither terminated nor joined."""
from multiprocessing import Process

from solutions.process_basics import results_from_children, start_all_then_join  # noqa: F401


def run_with_deadline(target, args, timeout_s):
    process = Process(target=target, args=args)
    process.start()
    process.join(timeout_s)
    return None if process.is_alive() else process.exitcode
