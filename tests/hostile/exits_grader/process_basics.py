"""Hostile: os._exit in the calling process."""
import os

from solutions.process_basics import results_from_children, run_with_deadline  # noqa: F401


def start_all_then_join(target, args_list):
    os._exit(3)
