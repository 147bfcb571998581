"""Measures the grader on this machine and prints the figures (nothing here is asserted).

  * time to grade each topic with the reference solutions (median of --timing-runs),
  * the speedups the reference solutions reach (median over all runs),
  * over --runs runs: how often a reference solution fails (idle machine, and with one core
    kept busy by another process), how often serial and threaded versions pass a speedup check,
    and how often an unlocked counter is caught.

Run from the kit's root:  python benchmarks/grading_bench.py [--runs 20] [--start-method spawn]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

KIT_ROOT = Path(__file__).resolve().parent.parent
MUTANTS = KIT_ROOT / "tests" / "mutants"
TOPICS = ["process_basics", "pool_map", "shared_values"]
# (mutant, topic, the check that must fail): serial and threaded code must never pass.
WRONG_VERSIONS = [
    ("pool_map_serial", "pool_map", "speedup"),
    ("pool_map_threads", "pool_map", "speedup"),
    ("pool_map_apply_loop", "pool_map", "speedup"),
    ("process_basics_serial", "process_basics", "processes_run_together"),
    ("shared_values_unlocked", "shared_values", "counter_has_no_lost_updates"),
    ("shared_values_unlocked", "shared_values", "histogram_has_no_lost_updates"),
]


def grade(topics: list[str], target: str, start_method: str | None) -> tuple[dict, float]:
    """Run `python -m grader` as a student would and return its scorecard and wall time."""
    with tempfile.TemporaryDirectory() as tmp:
        card_path = Path(tmp, "card.json")
        command = [sys.executable, "-m", "grader", *topics, "--target", target,
                   "--json", str(card_path)]
        if start_method:
            command += ["--start-method", start_method]
        env = {**os.environ, "PYTHONPATH": str(KIT_ROOT)}
        started = time.monotonic()
        subprocess.run(command, env=env, cwd=KIT_ROOT, capture_output=True, check=True)
        return json.loads(card_path.read_text()), time.monotonic() - started


def checks_of(card: dict):
    for topic in card["topics"]:
        for check in topic["checks"]:
            yield topic["id"], check


def _hog() -> None:
    while True:
        pass


@contextmanager
def one_core_busy():
    """Another program keeps one core busy for as long as the block runs."""
    hog = multiprocessing.get_context("spawn").Process(target=_hog, daemon=True)
    hog.start()
    try:
        yield
    finally:
        hog.terminate()
        hog.join()


def reference_runs(runs: int, start_method: str | None, label: str) -> dict:
    """Grade the reference solutions `runs` times; count failed checks and collect speedups."""
    false_fails, speedups, per_topic_time = 0, {}, {t: [] for t in TOPICS}
    for _ in range(runs):
        for topic in TOPICS:
            card, seconds = grade([topic], "solutions", start_method)
            per_topic_time[topic].append(seconds)
            for topic_id, check in checks_of(card):
                if check["outcome"] != "passed":
                    false_fails += 1
                    print(f"  [{label}] FALSE FAIL {topic_id}.{check['name']}: {check['message']}")
                if "speedup" in check["metrics"]:
                    speedups.setdefault(f"{topic_id}.{check['name']}", []).append(
                        (check["metrics"]["speedup"], check["metrics"]["raw_speedup"],
                         check["metrics"]["rounds"]))
    return {"false_fails": false_fails, "speedups": speedups, "times": per_topic_time}


def wrong_version_runs(runs: int, start_method: str | None) -> dict:
    passes = {}
    for mutant, topic, check_name in WRONG_VERSIONS:
        key = f"{mutant}: {check_name}"
        passes[key] = 0
        for _ in range(runs):
            card, _ = grade([topic], str(MUTANTS / mutant), start_method)
            check = next(c for _, c in checks_of(card) if c["name"] == check_name)
            passes[key] += check["outcome"] == "passed"
    return passes


def print_speedups(title: str, speedups: dict) -> None:
    print(title)
    for name, values in speedups.items():
        corrected = [v[0] for v in values]
        retried = sum(v[2] > 1 for v in values)
        print(f"  {name:<40} {statistics.median(corrected):.2f}x  "
              f"{statistics.median(v[1] for v in values):.2f}x raw  (min {min(corrected):.2f}x; "
              f"measured again in {retried}/{len(values)} runs)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--start-method", choices=multiprocessing.get_all_start_methods())
    parser.add_argument("--skip-wrong", action="store_true",
                        help="measure only the reference solutions")
    args = parser.parse_args()
    method = args.start_method or multiprocessing.get_start_method()
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, start method {method}, "
          f"{args.runs} runs each\n")

    idle = reference_runs(args.runs, args.start_method, "idle")
    print("Time to grade one topic, reference solutions (median of runs):")
    for topic, times in idle["times"].items():
        print(f"  {topic:<16} {statistics.median(times):5.2f} s   (max {max(times):.2f} s)")
    print_speedups("\nReference speedups on an idle machine (median; corrected for CPU share, raw):",
                   idle["speedups"])
    print(f"False fails, idle machine: {idle['false_fails']} checks failed in {args.runs} runs")

    with one_core_busy():
        busy = reference_runs(args.runs, args.start_method, "busy")
    print_speedups("\nReference speedups with one core kept busy (median; corrected, raw):",
                   busy["speedups"])
    print(f"False fails, one core busy: {busy['false_fails']} checks failed in {args.runs} runs")

    if args.skip_wrong:
        return
    print("\nWrong versions that passed the check meant to catch them (false passes):")
    for key, passed in wrong_version_runs(args.runs, args.start_method).items():
        print(f"  {key:<60} {passed}/{args.runs} passed, {args.runs - passed}/{args.runs} caught")


if __name__ == "__main__":
    main()
