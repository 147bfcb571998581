"""The table printed at the end: colour on a terminal and plain text elsewhere, speedup evidence
with an efficiency bar, and what a race lost."""

import io
import json

from click.testing import CliRunner

from grader.reporting.report import bar, race_line, render, speedup_line, use_colour
from tests.conftest import KIT_ROOT

SAMPLE = json.loads((KIT_ROOT / "docs" / "sample_scorecard.json").read_text())
ANSI = "\x1b["
SPEEDUP = {"serial_s": 0.97, "parallel_s": 0.52, "speedup": 1.85, "raw_speedup": 1.85,
           "task_cpu_share": 0.98, "usable_cpus": 2, "expected_parallelism": 2.0,
           "threshold": 1.37, "timing_judged": True, "reference_speedup": 1.71,
           "threshold_basis": "kit's run", "relative_to_reference": 0.8, "ideal_efficiency": 0.4}


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_colour_only_on_a_terminal_and_never_with_no_color(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert use_colour(Terminal()) and not use_colour(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_colour(Terminal())


def test_coloured_and_plain_tables_say_the_same_words():
    coloured, plain = render(SAMPLE, "card.json", colour=True), render(SAMPLE, "card.json")
    assert ANSI in coloured and ANSI not in plain
    assert click_unstyle(coloured) == plain


def click_unstyle(text):
    import click
    return click.unstyle(text)


def test_failed_checks_are_red_and_passed_green():
    coloured = render(SAMPLE, "card.json", colour=True)
    assert "\x1b[31m" in coloured and "\x1b[32m" in coloured


def test_speedup_line_shows_the_clock_the_efficiency_and_why_the_threshold_is_what_it_is():
    line = speedup_line(SPEEDUP)
    assert line == ("0.97 s of work in 0.52 s by the clock on 2 usable CPU(s): 1.85x; efficiency "
                    "92% of 2x [#########-]; needs 1.37x: 80% of the kit's own run beside yours, "
                    "1.71x on this machine just now")
    capped = speedup_line({**SPEEDUP, "threshold": 1.4, "threshold_basis": "ideal",
                           "reference_speedup": 1.9})
    assert capped.endswith("needs 1.40x: 40% of the gain that 2x would give (the kit's own run "
                           "reached 1.90x beside yours)")


def test_speedup_line_says_when_the_machine_was_busy_or_time_was_not_judged():
    busy = speedup_line({**SPEEDUP, "raw_speedup": 0.95, "task_cpu_share": 0.5})
    assert busy.startswith("0.97 s of work in 0.52 s by the clock on 2 usable CPU(s): 0.95x; other "
                           "programs left your tasks 50% of a CPU, so that counts as 1.85x")
    unjudged = speedup_line({**SPEEDUP, "timing_judged": False, "timing_note": "only 1 CPU"})
    assert unjudged.endswith("time not judged: only 1 CPU") and "needs" not in unjudged


def test_bar_is_clamped():
    assert (bar(0), bar(0.5), bar(1.7)) == ("[----------]", "[#####-----]", "[##########]")


def test_race_line_counts_what_was_lost():
    assert race_line({"expected": 100, "final": 63, "lost_updates": 37}) == "lost 37 of 100 updates"
    assert race_line({"expected": 100, "final": 100, "lost_updates": 0}) == "no update lost of 100"
    assert race_line({"expected": 50, "lost_items": 2, "duplicated_items": 1}) == (
        "2 lost items, 1 duplicated items of 50")
    assert race_line({}) is None


def test_the_grade_command_prints_no_colour_into_a_pipe(monkeypatch, tmp_path):
    from grader import grading
    from grader.cli import main
    from tests.test_cli import passing_run
    monkeypatch.setattr(grading, "run_topic", passing_run)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["pool_map", "--target", str(KIT_ROOT / "solutions")])
    assert result.exit_code == 0 and "Total 10/10" in result.output
    assert ANSI not in result.output


def test_race_line_ignores_figures_that_are_not_counts():
    assert race_line({"expected": {"a": 3}, "lost_updates": 1}) is None
    assert race_line({"lost_items": True}) is None


def test_topics_not_started_say_what_to_do_once():
    not_started = [{"id": f"topic{n}", "title": "t", "score": 0, "max_score": 10,
                    "status": "not_started", "message": "Open the file and start.", "checks": []}
                   for n in range(3)]
    table = render({**SAMPLE, "topics": not_started, "score": 0, "max_score": 30}, "card.json")
    assert table.count("Open the file and start.") == 1
    assert all(f"topic{n}" in table for n in range(3))


def test_a_passed_check_shows_its_note():
    check = {"name": "threads", "kind": "speedup", "outcome": "passed", "points": 2,
             "max_points": 2, "message": "fine", "metrics": {"note": "No GIL here."}}
    topic = {"id": "t", "title": "t", "score": 2, "max_score": 2, "status": "passed",
             "message": "", "checks": [check]}
    assert "note: No GIL here." in render({**SAMPLE, "topics": [topic]}, "card.json")
