"""Student code that crashes, hangs, leaks or kills gets a verdict, never a crash of `grade`:
the other topics are graded as usual, the scorecard is valid and nothing is left running."""

import pytest

from tests.conftest import HOSTILE

FAST = ("--check-timeout", "3", "--deadline", "60")


def graded_topic(grade, case, topic_id, *extra):
    graded = grade(topic_id, "--target", str(HOSTILE / case), *FAST, *extra)
    assert graded.exit_code == 0
    return graded.topic(topic_id)


def test_missing_module(grade):
    topic = graded_topic(grade, "missing_module", "pool_map")
    assert topic["status"] == "error"
    assert "was not found" in topic["message"]
    assert all(c["outcome"] == "error" for c in topic["checks"])


def test_syntax_error(grade):
    topic = graded_topic(grade, "syntax_error", "pool_map")
    assert topic["status"] == "error"
    assert "pool_map.py:4: SyntaxError" in topic["message"]


def test_import_raises(grade):
    topic = graded_topic(grade, "import_raises", "pool_map")
    assert topic["status"] == "error"
    assert "raised RuntimeError: config file missing" in topic["message"]
    assert "pool_map.py:3" in topic["message"]


@pytest.mark.slow
def test_import_hangs(grade):
    topic = graded_topic(grade, "import_hangs", "pool_map")
    assert topic["status"] == "timeout"
    assert "did not finish" in topic["message"]
    assert all(c["outcome"] == "timeout" for c in topic["checks"])


@pytest.mark.slow
def test_worker_loops_forever(grade):
    topic = graded_topic(grade, "worker_loops", "pool_map")
    outcomes = {c["name"]: c["outcome"] for c in topic["checks"]}
    assert outcomes == {"results_in_order": "timeout", "speedup": "timeout",
                        "chunksize_rule": "passed", "small_tasks_are_chunked": "passed"}
    assert topic["score"] == 4 and topic["status"] == "timeout"
    assert "Did not finish within 3 s" in topic["checks"][0]["message"]


@pytest.mark.slow
def test_deadlock_on_a_lock(grade):
    topic = graded_topic(grade, "lock_deadlock", "shared_values")
    outcomes = {c["name"]: c["outcome"] for c in topic["checks"]}
    assert outcomes["counter_total"] == "timeout"
    assert outcomes["histogram_counts"] == outcomes["histogram_has_no_lost_updates"] == "passed"


@pytest.mark.slow
def test_deadlock_on_a_queue(grade):
    topic = graded_topic(grade, "queue_deadlock", "process_basics")
    check = next(c for c in topic["checks"] if c["name"] == "results_from_children")
    assert check["outcome"] == "timeout"
    assert "queue_deadlock/process_basics.py:" in check["message"], "says where it was stuck"
    assert topic["score"] == 7


def test_os_exit_in_the_grading_process(grade):
    topic = graded_topic(grade, "exits_grader", "process_basics")
    assert topic["status"] == "error"
    first, *rest = topic["checks"]
    assert first["outcome"] == "error" and "exit code 3" in first["message"]
    assert all("Not run" in c["message"] for c in rest)


@pytest.mark.slow
def test_worker_killed_by_a_signal(grade):
    topic = graded_topic(grade, "worker_killed", "pool_map")
    outcomes = {c["name"]: c["outcome"] for c in topic["checks"]}
    assert outcomes["results_in_order"] == "timeout"
    assert outcomes["chunksize_rule"] == "passed"


def test_leaked_shared_memory_segment(grade):
    topic = graded_topic(grade, "leaks_segment", "shared_values")
    check = next(c for c in topic["checks"] if c["name"] == "counter_total")
    assert check["outcome"] == "failed"
    assert "left shared-memory segment(s) psm_" in check["message"]
    assert "The grader cleaned up" in check["message"]


@pytest.mark.slow
def test_c_loop_holding_the_gil(grade):
    topic = graded_topic(grade, "gil_loop", "pool_map")
    assert topic["status"] == "timeout"
    first, *rest = topic["checks"]
    assert first["outcome"] == "timeout" and "Could not be interrupted" in first["message"]
    assert all("Not run" in c["message"] for c in rest)


def test_orphaned_grandchildren_are_killed_and_reported(grade):
    topic = graded_topic(grade, "orphan", "process_basics")
    assert topic["leftovers"], "the orphaned grandchildren should be reported"
    assert any("pid" in leftover for leftover in topic["leftovers"])


@pytest.mark.slow
def test_a_broken_topic_leaves_the_others_alone(grade):
    graded = grade("process_basics", "pool_map", "--target", str(HOSTILE / "exits_grader"), *FAST)
    assert graded.topic("process_basics")["status"] == "error"
    assert graded.topic("pool_map")["status"] == "error"  # missing from that target
    assert "was not found" in graded.topic("pool_map")["message"]
