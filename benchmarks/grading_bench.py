"""Measures the grader on this machine and prints the figures (nothing here is asserted).

For each start method asked for (the default one, and spawn) and each load (an idle machine,
one core kept busy, every core kept busy by a busy-loop process of another program):

  * the time `grade` takes, as a whole process, for each topic alone and for all topics at once,
    with the reference solutions (median of --runs);
  * the speedups the reference solutions reach beside the kit's own parallel run;
  * false fails: checks the reference solutions fail (target: none);

and, on an idle machine and with every core busy, false passes: how often known-wrong versions
(serial, threads, one at a time, one worker, unbalanced, unlocked) pass the check meant to catch
them (target: never).

Run from the kit's root:  python benchmarks/grading_bench.py [--runs 20] [--start-methods default spawn]
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
sys.path.insert(0, str(KIT_ROOT))

from grader.running.student_process import STUDENT_PATH  # noqa: E402
from grader.settings import resolve_start_method  # noqa: E402
from grader.topics import topic_ids  # noqa: E402

MUTANTS = KIT_ROOT / "tests" / "mutants"
# (mutant, topic, the check that must fail)
WRONG_VERSIONS = [
    ("why_processes_threads_for_processes", "why_processes", "processes_speed_up_cpu_work"),
    ("why_processes_one_worker", "why_processes", "processes_speed_up_cpu_work"),
    ("why_processes_one_worker", "why_processes", "threads_take_turns_on_cpu_work"),
    ("why_processes_one_worker", "why_processes", "threads_speed_up_waiting"),
    ("why_processes_serial_threads", "why_processes", "threads_speed_up_waiting"),
    ("pool_map_serial", "pool_map", "speedup"),
    ("pool_map_threads", "pool_map", "speedup"),
    ("pool_map_apply_loop", "pool_map", "speedup"),
    ("pool_map_one_worker", "pool_map", "speedup"),
    ("pool_map_one_worker", "pool_map", "small_tasks_are_chunked"),
    ("pool_map_unbalanced", "pool_map", "speedup"),
    ("executor_one_worker", "executor", "speedup"),
    ("executor_threads", "executor", "speedup"),
    ("map_reduce_in_parent", "map_reduce", "speedup"),
    ("map_reduce_one_chunk", "map_reduce", "speedup"),
    ("map_reduce_one_worker", "map_reduce", "speedup"),
    ("map_reduce_threads", "map_reduce", "speedup"),
    ("pipeline_serial", "pipeline", "speedup"),
    ("pipeline_threads", "pipeline", "speedup"),
    ("pipeline_one_worker", "pipeline", "speedup"),
    ("pool_methods_serial_starmap", "pool_methods", "starmap_speedup"),
    ("pool_methods_one_worker", "pool_methods", "starmap_speedup"),
    ("process_basics_serial", "process_basics", "processes_run_together"),
    ("process_basics_one_child", "process_basics", "processes_run_together"),
    ("shared_values_unlocked", "shared_values", "counter_has_no_lost_updates"),
    ("shared_values_unlocked", "shared_values", "histogram_has_no_lost_updates"),
    ("managers_unlocked", "managers", "votes_have_no_lost_updates"),
    ("managers_unlocked", "managers", "progress_has_no_lost_updates"),
    ("managers_merge_unlocked", "managers", "votes_have_no_lost_updates"),
    ("queues_polls_empty", "queues", "slow_producers_lose_nothing"),
    ("queues_sentinels_too_early", "queues", "slow_producers_lose_nothing"),
    ("queues_waits_out_silence", "queues", "slow_producers_lose_nothing"),
    ("queues_join_thread_left_blocked", "queues", "dead_consumer_is_reported"),
    ("pipeline_silence_is_death", "pipeline", "dead_worker_does_not_hang"),
    ("pipeline_polls_never_joins", "pipeline", "error_stops_the_pipeline"),
    ("pipeline_polls_never_joins", "pipeline", "dead_worker_does_not_hang"),
    ("best_practices_timeout_per_item", "best_practices", "timeout_cuts_off_a_stuck_task"),
    ("pool_methods_thread_pool_timeout", "pool_methods", "get_with_timeout_gives_up"),
    ("callbacks_unlocked", "callbacks", "tracker_has_no_lost_updates"),
    ("callbacks_lock_only_in_callbacks", "callbacks", "tracker_has_no_lost_updates"),
    ("shared_memory_serial", "shared_memory", "speedup"),
    ("shared_memory_one_worker", "shared_memory", "speedup"),
    ("joblib_parallel_serial", "joblib_parallel", "speedup"),
    ("joblib_parallel_threads", "joblib_parallel", "speedup"),
    ("joblib_parallel_one_worker", "joblib_parallel", "speedup"),
    ("joblib_parallel_one_worker", "joblib_parallel", "tiny_tasks_are_batched"),
    ("joblib_parallel_batch_of_one", "joblib_parallel", "tiny_tasks_are_batched"),
    ("joblib_parallel_pool_per_call", "joblib_parallel", "workers_are_reused"),
    ("free_threading_serial", "free_threading", "threads_speed_up_cpu_work"),
    ("free_threading_one_worker", "free_threading", "threads_speed_up_cpu_work"),
    ("free_threading_locked_work", "free_threading", "threads_speed_up_cpu_work"),
    ("free_threading_unlocked", "free_threading", "no_lost_updates"),
    ("free_threading_lock_per_thread", "free_threading", "no_lost_updates"),
    ("interpreters_serial", "interpreters", "interpreters_speed_up_cpu_work"),
    ("interpreters_one_worker", "interpreters", "interpreters_speed_up_cpu_work"),
    ("interpreters_threads", "interpreters", "interpreters_speed_up_cpu_work"),
    ("dask_cluster_serial", "dask_cluster", "speedup"),
    ("dask_cluster_one_worker", "dask_cluster", "speedup"),
    ("dask_cluster_threads", "dask_cluster", "speedup"),
    ("dask_cluster_array_in_every_task", "dask_cluster", "large_input_is_scattered"),
]
LOADS = {"idle": 0, "one core busy": 1, "all cores busy": os.cpu_count() or 1}


def grade(topics: list[str], target: str, start_method: str) -> tuple[dict, float]:
    """Run `python -m grader` as a student would and return its scorecard and wall time."""
    with tempfile.TemporaryDirectory() as tmp:
        card_path = Path(tmp, "card.json")
        command = [sys.executable, "-m", "grader", *topics, "--target", target,
                   "--json", str(card_path), "--start-method", start_method]
        # Known-wrong versions build on the reference solutions: on the student's path, alone.
        solutions_only = Path(tmp, "student-path")
        solutions_only.mkdir()
        (solutions_only / "solutions").symlink_to(KIT_ROOT / "solutions", target_is_directory=True)
        env = {**os.environ, "PYTHONPATH": str(KIT_ROOT), STUDENT_PATH: str(solutions_only)}
        started = time.monotonic()
        subprocess.run(command, env=env, cwd=KIT_ROOT, capture_output=True, check=False)
        return json.loads(card_path.read_text()), time.monotonic() - started


def checks_of(card: dict):
    for topic in card["topics"]:
        for check in topic["checks"]:
            yield topic["id"], check


def _hog() -> None:
    while True:
        pass


@contextmanager
def busy_cores(count: int):
    """Another program keeps `count` cores busy for as long as the block runs."""
    hogs = [multiprocessing.get_context("spawn").Process(target=_hog, daemon=True)
            for _ in range(count)]
    for hog in hogs:
        hog.start()
    try:
        yield
    finally:
        for hog in hogs:
            hog.terminate()
            hog.join()


def reference_runs(runs: int, method: str, topics: list[str]) -> dict:
    """Grade the reference solutions `runs` times, each topic alone and all together."""
    times = {topic: [] for topic in topics}
    times["all topics"] = []
    false_fails, speedups, checks_run = [], {}, 0
    for _ in range(runs):
        cards = []
        for topic in topics:
            card, seconds = grade([topic], "solutions", method)
            times[topic].append(seconds)
            cards.append(card)
        card, seconds = grade(topics, "solutions", method)
        times["all topics"].append(seconds)
        cards.append(card)
        for card in cards:
            for topic_id, check in checks_of(card):
                checks_run += 1
                if check["outcome"] != "passed":
                    false_fails.append(f"{topic_id}.{check['name']}: {check['message']}")
                metrics = check["metrics"]
                if "speedup" in metrics and "raw_speedup" in metrics:
                    speedups.setdefault(f"{topic_id}.{check['name']}", []).append(metrics)
    return {"times": times, "false_fails": false_fails, "speedups": speedups,
            "checks_run": checks_run}


def wrong_version_runs(runs: int, method: str, topics: list[str]) -> dict:
    """How often each known-wrong version passes the check meant to catch it."""
    passes = {}
    for mutant, topic, check_name in WRONG_VERSIONS:
        if topic not in topics:
            continue
        key = f"{mutant}: {check_name}"
        passes[key] = 0
        for _ in range(runs):
            card, _ = grade([topic], str(MUTANTS / mutant), method)
            check = next((c for _, c in checks_of(card) if c["name"] == check_name), None)
            if check is None:  # not available on this Python (its checks never ran)
                passes[key] = "not available here"
                break
            passes[key] += check["outcome"] == "passed"
    return passes


def print_reference(result: dict, runs: int) -> None:
    print("  grading time, whole `grade` process (median, max):")
    for name, values in result["times"].items():
        print(f"    {name:<16} {statistics.median(values):5.2f} s  (max {max(values):.2f} s)")
    print("  reference speedups, corrected (median, min) beside the kit's own run (median):")
    for name, runs_metrics in result["speedups"].items():
        corrected = [m["speedup"] for m in runs_metrics]
        reference = [m.get("reference_speedup") for m in runs_metrics if "reference_speedup" in m]
        raw = [m["raw_speedup"] for m in runs_metrics]
        thresholds = [m["threshold"] for m in runs_metrics if "threshold" in m]
        retried = sum(m["rounds"] > 1 for m in runs_metrics)
        unjudged = sum(m.get("timing_judged") is False for m in runs_metrics)
        print(f"    {name:<40} {statistics.median(corrected):.2f}x (min {min(corrected):.2f}x), "
              f"raw {statistics.median(raw):.2f}x, kit's run "
              f"{statistics.median(reference) if reference else float('nan'):.2f}x, threshold "
              f"{statistics.median(thresholds) if thresholds else float('nan'):.2f}x; measured "
              f"again in {retried}/{len(runs_metrics)}, time not judged in {unjudged}")
        split = [m["split_allows"] for m in runs_metrics if m.get("split_allows")]
        kit_split = [m["reference_split_allows"] for m in runs_metrics
                     if m.get("reference_split_allows")]
        if split and kit_split:
            print(f"    {'':<40} the kernel's split allows {statistics.median(split):.2f}x "
                  f"(min {min(split):.2f}x), the kit's {statistics.median(kit_split):.2f}x "
                  f"(min {min(kit_split):.2f}x)")
    print(f"  false fails: {len(result['false_fails'])} of {result['checks_run']} checks "
          f"in {runs} runs")
    for failure in result["false_fails"]:
        print(f"    FALSE FAIL {failure}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--topics", nargs="+", default=topic_ids(), choices=topic_ids(),
                        help="the topics to grade (default: all, in lesson order)")
    parser.add_argument("--start-methods", nargs="+", default=["default", "spawn"],
                        help="start methods to measure; 'default' is what grade uses unasked")
    parser.add_argument("--loads", nargs="+", default=list(LOADS), choices=list(LOADS))
    parser.add_argument("--wrong-runs", type=int, help="runs of each wrong version (default --runs)")
    parser.add_argument("--wrong-loads", nargs="+", default=["idle", "all cores busy"],
                        choices=list(LOADS))
    parser.add_argument("--skip-wrong", action="store_true",
                        help="measure only the reference solutions")
    args = parser.parse_args()
    methods = [resolve_start_method(None) if m == "default" else m for m in args.start_methods]
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, start methods "
          f"{', '.join(methods)}, {args.runs} runs each")
    for method in methods:
        for load in args.loads:
            with busy_cores(LOADS[load]):
                result = reference_runs(args.runs, method, args.topics)
            print(f"\n[{method}, {load}]")
            print_reference(result, args.runs)
    if args.skip_wrong:
        return
    wrong_runs = args.wrong_runs or args.runs
    for method in methods:
        for load in args.wrong_loads:
            with busy_cores(LOADS[load]):
                passes = wrong_version_runs(wrong_runs, method, args.topics)
            print(f"\n[{method}, {load}] wrong versions that passed the check meant to catch "
                  "them (false passes):")
            for key, passed in passes.items():
                shown = passed if isinstance(passed, str) else f"{passed}/{wrong_runs} passed"
                print(f"  {key:<60} {shown}")


if __name__ == "__main__":
    main()
