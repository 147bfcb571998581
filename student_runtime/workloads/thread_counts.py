"""free_threading's race: a plain dict counter updated from several threads, with its race window
held open, and the task whose answers are counted in it."""

from __future__ import annotations

import time

# Long enough that another thread always runs inside the window, short beside the work.
READ_PAUSE_S = 0.0002


class PausingDict(dict):
    """A dict whose reads pause before they return: a thread that reads a count, adds one and
    writes it back holds the old value a little longer, so that another thread's update in
    between is lost on every run of unlocked code, not once in a while. With a lock around the
    read and the write, nothing is lost, only a little time.
    """

    def __getitem__(self, key):
        value = super().__getitem__(key)
        time.sleep(READ_PAUSE_S)
        return value

    def get(self, key, default=None):
        value = super().get(key, default)
        time.sleep(READ_PAUSE_S)
        return value


class Bucketed:
    """work(seed) % buckets: which bucket a task's answer falls in, as work(seed) is a time-lock
    puzzle, only after its work."""

    def __init__(self, work, buckets: int) -> None:
        self.work = work
        self.buckets = buckets

    def __call__(self, seed: int) -> int:
        return self.work(seed) % self.buckets
