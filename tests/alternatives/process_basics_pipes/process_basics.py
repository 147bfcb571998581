"""A correct alternative: each child sends its result on a Pipe of its own; kill() for the deadline."""
from multiprocessing import Pipe, Process


def start_all_then_join(target, args_list):
    processes = [Process(target=target, args=args) for args in args_list]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    return [process.exitcode for process in processes]


def _compute_and_send(func, x, connection):
    connection.send(func(x))
    connection.close()


def results_from_children(func, inputs):
    children = []
    for x in inputs:
        receiving, sending = Pipe(duplex=False)
        process = Process(target=_compute_and_send, args=(func, x, sending))
        process.start()
        sending.close()
        children.append((process, receiving))
    results = [receiving.recv() for _, receiving in children]
    for process, _ in children:
        process.join()
    return results


def run_with_deadline(target, args, timeout_s):
    process = Process(target=target, args=args)
    process.start()
    process.join(timeout_s)
    if process.exitcode is None:
        process.kill()
        process.join()
        return None
    return process.exitcode
