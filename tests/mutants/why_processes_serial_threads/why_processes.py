"""Known wrong: run_with_threads runs every item one after another in the calling thread."""
from solutions.why_processes import choose_tool, run_serially, run_with_processes  # noqa: F401


def run_with_threads(func, items, workers):
    return [func(item) for item in items]
