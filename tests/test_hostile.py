"""Student code that crashes, hangs, leaks or kills gets a verdict, never a crash of `grade`:
the other topics are graded as usual, the scorecard is valid and nothing is left running."""

import multiprocessing

import pytest

from grader.reporting.shown_output import LINES_LEFT_OUT
from grader.topics import get_topic
from tests.conftest import HOSTILE

FAST = ("--check-timeout", "3", "--deadline", "60")


def graded_topic(grade, case, topic_id, *extra):
    graded = grade(topic_id, "--target", str(HOSTILE / case), *FAST, *extra)
    assert graded.exit_code == 0
    return graded.topic(topic_id)


def test_missing_module(grade):
    # exits_grader holds process_basics.py only; a folder with no topic module is a usage error.
    topic = graded_topic(grade, "exits_grader", "pool_map")
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
    # os._exit ends the student's process, not the grader's: the checks that call that function
    # fail with its exit code, and the others run in a fresh student's process.
    topic = graded_topic(grade, "exits_grader", "process_basics")
    assert topic["status"] == "failed"
    outcomes = {c["name"]: c["outcome"] for c in topic["checks"]}
    assert outcomes == {"exit_codes": "failed", "processes_run_together": "failed",
                        "results_from_children": "passed",
                        "large_results_do_not_deadlock": "passed",
                        "deadline_stops_hung_child": "passed"}
    first = topic["checks"][0]
    assert "exit code 3" in first["message"] and "started it again" in first["message"]


@pytest.mark.slow
def test_worker_killed_by_a_signal(grade):
    topic = graded_topic(grade, "worker_killed", "pool_map")
    outcomes = {c["name"]: c["outcome"] for c in topic["checks"]}
    assert outcomes["results_in_order"] == "timeout"
    assert outcomes["chunksize_rule"] == "passed"


@pytest.mark.alone  # leaves a segment for the grader to find
def test_leaked_shared_memory_segment(grade):
    topic = graded_topic(grade, "leaks_segment", "shared_values")
    check = next(c for c in topic["checks"] if c["name"] == "counter_total")
    assert check["outcome"] == "failed"
    assert "left shared-memory segment(s) psm_" in check["message"]
    assert "The grader cleaned up" in check["message"]


@pytest.mark.slow
def test_c_loop_holding_the_gil(grade):
    # The student's process is killed at the check's limit, whatever it was stuck in, and the
    # next check gets a fresh one: no check after the hang is lost.
    topic = graded_topic(grade, "gil_loop", "pool_map")
    assert topic["status"] == "timeout"
    first, *rest = topic["checks"]
    assert first["outcome"] == "timeout" and "Did not finish within" in first["message"]
    assert not any("Not run" in c["message"] for c in rest)


@pytest.mark.slow
def test_orphaned_grandchildren_are_killed_and_reported(grade):
    # Under fork the orphans leave the process tree; the grader adopts them (where the platform
    # allows) or finds them by process group, and reports them at the check or the topic.
    # A longer limit than FAST's: with every core busy, a check's work took more than 3 s, and a
    # call that is stopped takes its processes with it, orphans included, unreported.
    topic = graded_topic(grade, "orphan", "process_basics", "--start-method", "fork",
                         "--check-timeout", "10")
    reported = [c["message"] for c in topic["checks"] if "started by one of your processes"
                in c["message"]]
    assert topic["leftovers"] or reported, [c["message"] for c in topic["checks"]]
    assert all(leftover.startswith("pid ") for leftover in topic["leftovers"])
    # Forked children carry the grader's command line: it must not leak into any message.
    shown = " ".join([*topic["leftovers"], *reported])
    assert "suites" not in shown and "pytest" not in shown


@pytest.mark.slow
def test_orphans_under_the_default_start_method_are_named_as_grandchildren(grade):
    topic = graded_topic(grade, "orphan", "process_basics")
    messages = " ".join(check["message"] for check in topic["checks"])
    # Forked by a forkserver of their own, the orphans leave the tree: found by process group,
    # or, where a child that raised waits at exit for its own child, a hang named by its call.
    assert (topic["leftovers"] or "process(es)" in messages
            or "waiting in Process.join()" in messages)
    assert "suites" not in messages and not any("suites" in x for x in topic["leftovers"])


@pytest.mark.slow
def test_a_broken_topic_leaves_the_others_alone(grade):
    graded = grade("process_basics", "pool_map", "--target", str(HOSTILE / "exits_grader"), *FAST)
    assert graded.topic("process_basics")["status"] == "failed"  # its process ended: exit code 3
    assert graded.topic("pool_map")["status"] == "error"  # missing from that target
    assert "was not found" in graded.topic("pool_map")["message"]


def strings_in(value) -> list[str]:
    """Every string in a scorecard, however deeply nested."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [text for item in value for text in strings_in(item)]
    return []


@pytest.mark.slow
def test_the_hidden_suite_source_is_never_shown(grade):
    graded = grade("pool_map", "--target", str(HOSTILE / "raises_and_hangs"), *FAST, "--verbose")
    topic = graded.topic("pool_map")
    assert topic["status"] == "timeout"
    # pytest reported failures inside the suite file, so its tracebacks quoted the suite's lines.
    assert "grader/suites/test_pool_map.py:" in topic["output_tail"]
    suite_lines = {line.strip() for line in get_topic("pool_map").suite_path.read_text().splitlines()
                   if len(line.strip()) >= 12}
    shown = "\n".join([graded.output, *strings_in(graded.scorecard)])
    assert [line for line in suite_lines if line in shown] == []


@pytest.mark.slow
@pytest.mark.parametrize("start_method", ["fork", "spawn", "forkserver"])
def test_verbose_shows_what_the_code_and_its_workers_printed(grade, start_method):
    if start_method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"{start_method} is not offered here")
    graded = grade("pool_map", "--target", str(HOSTILE / "prints"), "--verbose",
                   "--start-method", start_method)
    output = graded.check("pool_map", "results_in_order")["output"]
    printed = output["stdout"].splitlines()
    # 42 lines were printed: one per call of parallel_map (two calls) and one per item (40).
    assert printed[0] == LINES_LEFT_OUT.format(count=23) and len(printed) == 20
    assert printed[-1] == "parallel_map got 0 items"
    assert "worker handles item" in output["stdout"], "a pool worker's print is shown"
    assert output["stderr"].splitlines() == ["about to start the pool"] * 2
    assert "your code printed on stdout:" in graded.output
    assert graded.check("pool_map", "chunksize_rule")["output"] == {"stdout": "", "stderr": ""}


@pytest.mark.slow
def test_a_pool_kept_at_module_level_is_named_when_it_hangs(grade):
    topic = graded_topic(grade, "module_pool", "pool_map")
    messages = [c["message"] for c in topic["checks"] if c["outcome"] != "passed"]
    assert messages, "a pool that is never shut down must fail"
    assert all("module-level `pool`" in message for message in messages), messages
