"""What a suite's event stream means, including for checks that never reported."""

from grader.reporting.outcomes import BACKSTOP_FIRED, hide_suite_source, interpret
from grader.topics import get_topic

TOPIC = get_topic("pool_map")
COLLECTED = {"event": "collected", "checks": [
    {"name": "first", "kind": "correctness", "points": 2},
    {"name": "second", "kind": "speedup", "points": 3}]}
IMPORTED = [{"event": "importing", "module": "exercises.pool_map"},
            {"event": "imported", "ok": True, "message": ""}]


def reported(name, outcome="passed"):
    return {"event": "check", "name": name, "outcome": outcome, "message": "m", "metrics": {},
            "not_started": False, "duration_s": 0.1, "stdout": f"{name} printed", "stderr": ""}


def run(events, **how):
    how = {"timed_out": False, "deadline_s": 120, "exit_code": 0, **how}
    return interpret(TOPIC, events, **how)


def test_all_reported():
    result = run([COLLECTED, *IMPORTED, {"event": "started", "name": "first"}, reported("first"),
                  {"event": "started", "name": "second"}, reported("second", "failed")])
    assert result.problem is None
    assert [c.outcome for c in result.checks] == ["passed", "failed"]
    assert [c.stdout for c in result.checks] == ["first printed", "second printed"]


def test_deadline_passed_during_a_check():
    result = run([COLLECTED, *IMPORTED, {"event": "started", "name": "first"}], timed_out=True,
                 exit_code=-9)
    assert result.problem == "timeout"
    first, second = result.checks
    assert first.outcome == "timeout" and "120 s deadline" in first.message
    assert second.outcome == "timeout" and "Not run" in second.message
    assert result.message.startswith("first: ")


def test_process_died_during_a_check():
    result = run([COLLECTED, *IMPORTED, {"event": "started", "name": "first"}, reported("first"),
                  {"event": "started", "name": "second"}], exit_code=3)
    assert result.problem == "error"
    assert result.checks[0].outcome == "passed"
    assert "exit code 3" in result.checks[1].message


def test_watchdog_fired_during_a_check():
    result = run([COLLECTED, *IMPORTED, {"event": "started", "name": "first"}], exit_code=1,
                 watchdog_fired=True)
    assert result.problem == "timeout"
    assert result.checks[0].message == BACKSTOP_FIRED


def test_import_never_finished():
    result = run([COLLECTED, IMPORTED[0]], exit_code=1, watchdog_fired=True)
    assert result.problem == "timeout"
    assert "Importing exercises.pool_map did not finish" in result.message
    assert all(c.outcome == "timeout" for c in result.checks)


def test_suite_never_started():
    result = run([], exit_code=4, log_tail="ERROR: usage")
    assert result.problem == "error" and result.checks == ()
    assert "did not start (exit code 4)" in result.message


def test_suite_never_started_quotes_its_last_output_and_blames_no_one():
    tail = "\n".join(["Traceback (most recent call last):", "  ...", "", "ImportError: shadow",
                      "ERROR: could not load plugin"])
    result = run([], exit_code=1, log_tail=tail)
    assert ("its last output was: ... | ImportError: shadow | ERROR: could not load plugin."
            in result.message)
    assert "not with your code" not in result.message


def test_output_quoting_the_hidden_suite_is_dropped():
    suite = "def test_secret(exercise):\n    assert exercise.f(41) == 42, 'hidden'\n"
    lines = ["    def test_secret(exercise):", ">       assert exercise.f(41) == 42, 'hidden'",
             "E       AssertionError: f(41) gave 0", ""]
    assert hide_suite_source(lines, suite) == ["E       AssertionError: f(41) gave 0", ""]


def test_suite_never_started_before_the_deadline():
    result = run([], timed_out=True)
    assert result.problem == "timeout"


def test_process_died_between_checks():
    result = run([COLLECTED, *IMPORTED, {"event": "started", "name": "first"}, reported("first")],
                 exit_code=-9)
    assert result.problem == "error"
    assert result.checks[0].outcome == "passed"
    assert result.checks[1].outcome == "error" and "exit code -9" in result.checks[1].message


def test_exitfirst_skips_the_checks_after_the_first_failure_and_keeps_their_points():
    result = run([COLLECTED, *IMPORTED, {"event": "started", "name": "first"},
                  reported("first", "failed")], exit_code=1, exitfirst=True)
    assert result.problem is None
    first, second = result.checks
    assert (first.outcome, second.outcome, second.stopped_early) == ("failed", "skipped", True)
    assert "--exitfirst stopped at the first check that did not pass (first)" in second.message


def test_exitfirst_still_reports_a_crash_as_a_crash():
    result = run([COLLECTED, *IMPORTED, {"event": "started", "name": "first"}], exit_code=1,
                 exitfirst=True)
    assert result.problem == "error"
    assert [c.outcome for c in result.checks] == ["error", "error"]
