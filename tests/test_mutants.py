"""Every check is seen to fail: each known-wrong version is caught by the check meant for it,
with a message that says what happened, while the checks it should pass still pass."""

import re

import pytest

from grader.topics import all_topics
from tests.conftest import MUTANTS

# mutant package -> (topic, {failing check: words its message must contain}, checks to ignore)
CASES = {
    "pool_map_serial": ("pool_map", {"speedup": "inside the grading process"}, ()),
    "pool_map_threads": ("pool_map", {"speedup": "threads",
                                      "small_tasks_are_chunked": "grading process"}, ()),
    "pool_map_apply_loop": ("pool_map", {"speedup": "never two at once"}, ()),
    "pool_map_one_chunk": ("pool_map", {"speedup": "single worker process",
                                        "small_tasks_are_chunked": "one worker did everything"}, ()),
    "pool_map_chunk_per_item": ("pool_map", {"small_tasks_are_chunked": "separate messages"}, ()),
    "pool_map_one_worker": ("pool_map", {"speedup": "single worker process",
                                         "small_tasks_are_chunked": "went to 1 worker process"}, ()),
    # Parallel in structure, so only the stopwatch, set beside the kit's own run, catches it.
    "pool_map_unbalanced": ("pool_map", {"speedup": "below the"}, ()),
    # Passes under fork; under the default start method it fails as it would on macOS.
    "pool_map_lambda": ("pool_map", {"results_in_order": "defined at module level",
                                     "speedup": "defined at module level"}, ()),
    "pool_map_wrong_answer": ("pool_map", {"results_in_order": "39 items instead of 40",
                                           "speedup": "Only 7 of the 8 tasks ran",
                                           "chunksize_rule": "choose_chunksize(1000, 4)"}, ()),
    # Once the grader kills the leaked pool's idle workers the pool is broken (a worker killed
    # while waiting holds the pool's queue lock), so later checks fail or hang in varying ways.
    "pool_map_leaky": ("pool_map", {"results_in_order": "left 2 process(es) running"},
                       ("speedup", "chunksize_rule", "small_tasks_are_chunked")),
    # Without join() the work also seems not to run at all, so the speedup check fails too.
    "process_basics_no_join": ("process_basics", {"exit_codes": "None instead of"},
                               ("processes_run_together",)),
    "process_basics_serial": ("process_basics", {"processes_run_together": "never two at once"}, ()),
    "process_basics_threads": ("process_basics", {"results_from_children": "grading process itself"}, ()),
    # Results in the order children finished: the 1 MB results finish in any order, so that
    # check may or may not notice.
    "process_basics_wrong_answer": ("process_basics", {"results_from_children": "first difference"},
                                    ("large_results_do_not_deadlock",)),
    "process_basics_leaky": ("process_basics", {"deadline_stops_hung_child": "left 1 process"}, ()),
    "process_basics_no_deadline": ("process_basics", {"deadline_stops_hung_child": "Did not finish"}, ()),
    "process_basics_terminate_no_join": ("process_basics", {"deadline_stops_hung_child": "never joined"}, ()),
    # Small results fit in the pipe's buffer, so only the 1 MB results deadlock.
    "process_basics_join_first": ("process_basics", {
        "large_results_do_not_deadlock": "joining processes that use queues"}, ()),
    "process_basics_one_child": ("process_basics", {"processes_run_together": "single worker process",
                                                    "exit_codes": "first difference"}, ()),
    # Without the amplifier an unlocked counter may or may not lose updates: only the race
    # checks make a promise about it.
    "shared_values_unlocked": ("shared_values", {
        "counter_has_no_lost_updates": "increments were lost",
        "histogram_has_no_lost_updates": "increments were lost"},
        ("counter_total", "histogram_counts")),
    "shared_values_threads": ("shared_values", {"counter_total": "grading process itself",
                                                "histogram_counts": "grading process itself",
                                                "counter_has_no_lost_updates": "grading process itself"},
                              ()),
    "shared_values_wrong_answer": ("shared_values", {"histogram_counts": "first difference"}, ()),
}


def test_every_mutant_is_listed():
    on_disk = {path.name for path in MUTANTS.iterdir() if (path / "__init__.py").exists()}
    assert on_disk == set(CASES)


@pytest.mark.parametrize("topic", all_topics(), ids=lambda t: t.id)
def test_every_check_is_seen_to_fail(topic):
    checks = set(re.findall(r"^def test_(\w+)\(", topic.suite_path.read_text(), re.MULTILINE))
    caught = {name for topic_id, failing, _ in CASES.values() if topic_id == topic.id
              for name in failing}
    assert checks - caught == set(), "these checks have no known-wrong version that fails them"


@pytest.mark.parametrize("topic", all_topics(), ids=lambda t: t.id)
def test_every_speedup_check_has_a_one_worker_version(topic):
    # Counting messages or timing alone would pass a pool of one worker; each speedup check
    # must be seen to fail on one.
    speedup_checks = set(re.findall(r'@pytest\.mark\.check\("speedup".*\)\ndef test_(\w+)\(',
                                    topic.suite_path.read_text()))
    one_worker = {name for mutant, (topic_id, failing, _) in CASES.items()
                  if topic_id == topic.id and ("one_worker" in mutant or "one_child" in mutant)
                  for name in failing}
    assert speedup_checks - one_worker == set()


@pytest.mark.slow
@pytest.mark.parametrize("mutant", sorted(CASES))
def test_mutant_is_caught(grade, mutant):
    topic_id, failing, ignored = CASES[mutant]
    graded = grade(topic_id, "--target", str(MUTANTS / mutant))
    topic = graded.topic(topic_id)
    assert topic["status"] in ("failed", "timeout")
    for check in topic["checks"]:
        if check["name"] in failing:
            assert check["outcome"] in ("failed", "timeout"), check
            assert check["points"] == 0
            assert failing[check["name"]] in check["message"], check["message"]
            assert "by hand" not in check["message"], "advice that reproduces nothing under fork"
        elif check["name"] not in ignored:
            assert check["outcome"] == "passed", check
