"""Reference solution for process_basics."""

from multiprocessing import Process, Queue


def start_all_then_join(target, args_list):
    processes = [Process(target=target, args=args) for args in args_list]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    return [process.exitcode for process in processes]


def _run_and_send(func, index, x, results):
    results.put((index, func(x)))


def results_from_children(func, inputs):
    results = Queue()
    processes = [Process(target=_run_and_send, args=(func, i, x, results))
                 for i, x in enumerate(inputs)]
    for process in processes:
        process.start()
    collected = [None] * len(inputs)
    # Read before joining: a child does not exit until what it put on the queue is taken.
    for _ in inputs:
        index, value = results.get()
        collected[index] = value
    for process in processes:
        process.join()
    return collected


def run_with_deadline(target, args, timeout_s):
    process = Process(target=target, args=args)
    process.start()
    process.join(timeout_s)
    if process.is_alive():
        process.terminate()
        process.join()
        return None
    return process.exitcode
