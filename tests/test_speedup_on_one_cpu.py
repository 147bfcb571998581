"""On one usable CPU only the timing of a speedup check is left out: the structure is still
judged, so serial code still fails, and the maximum score is the same as on any machine."""

import pytest

from tests.conftest import MUTANTS


@pytest.mark.slow
def test_one_cpu_judges_structure_and_keeps_the_maximum(grade):
    graded = grade("pool_map", "--target", "solutions", "--cpus", "1")
    topic = graded.topic("pool_map")
    speedup = graded.check("pool_map", "speedup")
    assert speedup["outcome"] == "passed" and speedup["points"] == speedup["max_points"] == 4
    assert speedup["metrics"]["timing_judged"] is False
    assert "only 1 CPU is usable" in speedup["metrics"]["timing_note"]
    assert topic["status"] == "passed" and topic["score"] == topic["max_score"] == 10
    assert graded.scorecard["environment"]["usable_cpus"] == 1


@pytest.mark.slow
@pytest.mark.parametrize("mutant", ["pool_map_serial", "pool_map_one_worker"])
def test_serial_code_fails_on_one_cpu_too(grade, mutant, monkeypatch):
    # A student's own CI can set the environment variable; it must not hand out the points.
    monkeypatch.setenv("GRADER_USABLE_CPUS", "1")
    graded = grade("pool_map", "--target", str(MUTANTS / mutant), "--fail-under", "100")
    assert graded.exit_code == 1
    assert graded.check("pool_map", "speedup")["outcome"] == "failed"
    assert graded.topic("pool_map")["max_score"] == 10
