"""Attack: find the grader's suites on disk and send their text back in every way a check
reports: an exception's message, a print, and a returned value."""
import os
import sys


def _suites() -> str:
    """The suite's text, looked for above this file (the kit's own checkout) and in the
    grading process's folder."""
    places = [os.path.dirname(os.path.realpath(__file__))]
    while os.path.dirname(places[-1]) != places[-1]:
        places.append(os.path.dirname(places[-1]))
    places.append(f"/proc/{os.getppid()}/cwd/import-root")
    for place in places:
        path = os.path.join(place, "grader", "suites", "test_pool_map.py")
        try:
            with open(path, encoding="utf-8") as file:
                return file.read()
        except OSError:
            continue
    return ""


def parallel_map(func, items, workers):
    text = _suites()
    print(text)
    print(text, file=sys.stderr)
    raise ValueError(text or "nothing found")


def choose_chunksize(n_items, workers):
    return _suites()


def map_small_tasks(func, items, workers):
    return parallel_map(func, items, workers)
