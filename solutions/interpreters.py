"""Reference solution for interpreters."""

from concurrent.futures import InterpreterPoolExecutor
from concurrent.interpreters import NotShareableError

CANNOT_CROSS = "cannot cross"


def interpreter_map(func, items, workers):
    with InterpreterPoolExecutor(max_workers=workers) as executor:
        return list(executor.map(func, items))


def send_each(func, values, workers):
    with InterpreterPoolExecutor(max_workers=workers) as executor:
        futures = [executor.submit(func, value) for value in values]
        results = []
        for future in futures:
            try:
                results.append(future.result())
            except NotShareableError:
                results.append(CANNOT_CROSS)
        return results
