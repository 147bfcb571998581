"""A correct alternative: every task submitted first, then all awaited with
concurrent.futures.wait; a future whose value could not cross is told by its exception()."""
from concurrent.futures import InterpreterPoolExecutor, wait
from concurrent.interpreters import NotShareableError

CANNOT_CROSS = "cannot cross"


def interpreter_map(func, items, workers):
    executor = InterpreterPoolExecutor(max_workers=workers)
    try:
        futures = [executor.submit(func, item) for item in items]
        wait(futures)
        return [future.result() for future in futures]
    finally:
        executor.shutdown()


def send_each(func, values, workers):
    executor = InterpreterPoolExecutor(max_workers=workers)
    try:
        futures = [executor.submit(func, value) for value in values]
        wait(futures)
        return [CANNOT_CROSS if isinstance(future.exception(), NotShareableError)
                else future.result() for future in futures]
    finally:
        executor.shutdown()
