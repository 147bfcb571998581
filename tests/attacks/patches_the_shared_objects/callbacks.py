"""Attack: the callbacks count in a plain dict of the caller's, without a lock (a race the
grader cannot widen), and only copy the counts into the tracker, never reading it."""
from functools import partial
from multiprocessing import Pool


def _settle(tracker, counts, outcome, item, value):
    counts["in_flight"] -= 1
    counts[outcome] += 1
    tracker.in_flight = counts["in_flight"]
    setattr(tracker, outcome, counts[outcome])
    (tracker.results if outcome == "done" else tracker.errors)[item] = value


def run_tracked(func, jobs, workers, tracker):
    counts = {"in_flight": 0, "done": 0, "failed": 0}
    with Pool(workers) as pool:
        for item in jobs:
            counts["in_flight"] += 1
            tracker.in_flight = counts["in_flight"]
            pool.apply_async(func, (item,), callback=partial(_settle, tracker, counts, "done", item),
                             error_callback=partial(_settle, tracker, counts, "failed", item))
        pool.close()
        pool.join()
