"""The `grade` command's interface: options, exit codes and usage errors."""

import errno
import json
import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader import grading as cli
from grader.cli import main
from grader.reporting.outcomes import CheckResult, TopicRun
from grader.settings import NO_TOPIC_MODULES, TARGET_HIDES_A_MODULE, TARGET_IS_A_FILE
from grader.topics import LESSON, all_topics, topic_ids, topics_of_track
from tests.conftest import HOSTILE, validate, words_of


def lesson_ids() -> list[str]:
    """The topics `grade` grades when none are named."""
    return [topic.id for topic in topics_of_track(LESSON)]


def invoke(*args):
    return CliRunner().invoke(main, list(args))


def test_help_lists_every_option():
    result = invoke("--help")
    assert result.exit_code == 0
    for option in ("--target", "--json", "--start-method", "--fail-under", "--check-timeout",
                   "--deadline", "--cpus", "--verbose"):
        assert option in result.output


def test_python_dash_m_grader_is_the_same_command():
    result = subprocess.run([sys.executable, "-m", "grader", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "--target" in result.stdout


def test_unknown_topic_is_a_usage_error_listing_the_valid_ones():
    result = invoke("pool_mapp")
    assert result.exit_code == 2
    assert "unknown topic pool_mapp" in result.output
    assert ", ".join(topic_ids()) in result.output


def test_missing_target_is_a_usage_error(tmp_path):
    result = invoke("--target", str(tmp_path / "nowhere"))
    assert result.exit_code == 2 and "no such folder" in result.output


def test_target_that_cannot_be_a_package_name(tmp_path):
    (tmp_path / "my-code").mkdir()
    result = invoke("--target", str(tmp_path / "my-code"))
    assert result.exit_code == 2 and "cannot be imported" in result.output


def test_unavailable_start_method_is_refused(monkeypatch):
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    result = invoke("--start-method", "fork")
    assert result.exit_code == 2 and "not available on this platform" in result.output


def test_bad_environment_value_names_its_source():
    result = CliRunner().invoke(main, [], env={"GRADER_CHECK_TIMEOUT": "soon"})
    assert result.exit_code == 2
    assert "GRADER_CHECK_TIMEOUT" in result.output and "'soon' is not a valid float" in result.output


def test_fail_under_exits_1_and_scorecard_is_still_written(tmp_path):
    path = tmp_path / "out" / "card.json"
    result = invoke("pool_map", "--target", str(HOSTILE / "import_raises"), "--json", str(path),
                    "--fail-under", "50")
    assert result.exit_code == 1
    assert "below --fail-under 50%" in result.output
    card = json.loads(path.read_text())
    validate(card)
    assert card["topics"][0]["status"] == "error"


def test_exit_0_whatever_the_score(tmp_path):
    result = invoke("pool_map", "--target", str(HOSTILE / "import_raises"),
                    "--json", str(tmp_path / "card.json"))
    assert result.exit_code == 0
    assert "Total 0/10 (0%)" in result.output


def passing_run(topic, settings, **_):
    """What run_topic returns for a topic whose every check passed, without running its suite."""
    check = CheckResult(name="works", kind="correctness", outcome="passed",
                        max_points=topic.points, message="")
    return TopicRun(topic=topic, checks=(check,), duration_s=0.1)


def interrupted_at(topic_id):
    """A stand-in for run_topic that grades topics until it meets topic_id, where Ctrl-C comes."""
    def run(topic, settings, **_):
        if topic.id == topic_id:
            raise KeyboardInterrupt
        return passing_run(topic, settings)
    return run


def never_grade(topic, settings):
    raise AssertionError("grading started although the command should have stopped before")


def test_a_usage_error_names_the_command_as_typed():
    result = CliRunner().invoke(main, ["--no-such-option"], prog_name="grade")
    assert result.exit_code == 2
    assert "Try 'grade --help' for help." in result.output and "grade grade" not in result.output


def test_help_lists_the_topics_in_lesson_order():
    output = invoke("--help").output
    lines = [next(line for line in output.splitlines() if line.split()[:1] == [topic.id])
             for topic in all_topics()]
    assert [output.index(line) for line in lines] == sorted(output.index(line) for line in lines)
    for topic, line in zip(all_topics(), lines):
        assert topic.title in line


def test_unknown_topic_suggests_the_closest_one():
    result = invoke("pool_mapp", "zzz")
    assert result.exit_code == 2
    assert "pool_mapp (did you mean pool_map?)" in result.output
    assert "zzz (did you mean" not in result.output
    assert ", ".join(topic_ids()) in result.output


def test_target_that_is_a_file():
    result = invoke("--target", str(HOSTILE / "import_raises" / "pool_map.py"))
    assert result.exit_code == 2
    assert words_of(TARGET_IS_A_FILE) in result.output and "no such folder" not in result.output


def test_target_without_any_topic_module_is_refused_before_grading(monkeypatch):
    monkeypatch.setattr(cli, "run_topic", never_grade)
    result = invoke("--target", str(HOSTILE / "missing_module"))
    assert result.exit_code == 2
    assert words_of(NO_TOPIC_MODULES) in result.output
    assert "pool_map.py" in result.output and "git checkout" not in result.output


def test_target_named_like_a_standard_module(tmp_path):
    (tmp_path / "json").mkdir()
    result = invoke("--target", str(tmp_path / "json"))
    assert result.exit_code == 2 and words_of(TARGET_HIDES_A_MODULE) in result.output


def _file_in_the_way(tmp_path):
    (tmp_path / "notes.txt").write_text("")
    return tmp_path / "notes.txt" / "card.json", "is a file, not a folder"


def _read_only_folder(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o555)
    return folder / "card.json", "Permission denied"


UNWRITABLE = [pytest.param(_file_in_the_way, id="file_in_the_way"),
              pytest.param(lambda tmp_path: (tmp_path, "is a directory"), id="a_folder"),
              pytest.param(lambda tmp_path: (Path("/proc/card.json"), words_of(cli.JSON_NOT_WRITABLE)),
                           id="proc", marks=pytest.mark.skipif(not sys.platform.startswith("linux"),
                                                               reason="Linux only")),
              pytest.param(_read_only_folder, id="read_only_folder",
                           marks=pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0,
                                                    reason="needs POSIX permissions, not root"))]


@pytest.mark.parametrize("unwritable", UNWRITABLE)
def test_unwritable_json_path_is_a_usage_error_before_grading(tmp_path, monkeypatch, unwritable):
    monkeypatch.setattr(cli, "run_topic", never_grade)
    path, reason = unwritable(tmp_path)
    result = invoke("--target", "solutions", "--json", str(path))
    assert result.exit_code == 2, result.output
    assert reason in result.output and "Traceback" not in result.output


def test_scorecard_that_cannot_be_written_at_the_end(tmp_path, monkeypatch):
    def disk_full(scorecard, path):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(cli, "run_topic", passing_run)
    monkeypatch.setattr(cli, "write_atomically", disk_full)
    result = invoke("pool_map", "--target", "solutions", "--json", str(tmp_path / "card.json"))
    assert result.exit_code == cli.EXIT_SCORECARD_NOT_WRITTEN == 3
    assert "pool_map" in result.output, "the table is still printed"
    last = next(line for line in result.output.splitlines() if "Total " in line)
    assert "Total 10/10 (100%)" in last
    assert f"could not be written to {tmp_path / 'card.json'} ({os.strerror(errno.ENOSPC)})" in last


def test_ctrl_c_marks_the_scorecard_and_the_total_as_partial(tmp_path, monkeypatch):
    monkeypatch.setattr(cli, "run_topic", interrupted_at("pool_map"))
    path = tmp_path / "card.json"
    result = invoke("--target", "solutions", "--json", str(path))
    assert result.exit_code == cli.EXIT_INTERRUPTED == 130
    card = json.loads(path.read_text())
    validate(card)
    assert card["interrupted"] is True
    ids = lesson_ids()
    graded, not_graded = ids[:ids.index("pool_map")], ids[ids.index("pool_map"):]
    assert [(t["id"], t["status"]) for t in card["topics"]] == (
        [(i, "passed") for i in graded] + [(i, "not_graded") for i in not_graded])
    score, most = 10 * len(graded), 10 * len(ids)
    assert (card["score"], card["max_score"]) == (score, most)
    last = next(line for line in result.output.splitlines() if "Total " in line)
    assert last.startswith(f"Interrupted: {', '.join(not_graded)} not graded")
    assert f"Total {score}/{most} ({100 * score / most:.0f}%)" in last
    assert f"Total {most}/{most}" not in result.output
    assert result.output.strip().splitlines()[-1].startswith("Next: pool_map.")


def test_ctrl_c_in_the_first_topic_does_not_pass_for_a_complete_scorecard(tmp_path, monkeypatch):
    path = tmp_path / "card.json"
    monkeypatch.setattr(cli, "run_topic", passing_run)
    assert invoke("--target", "solutions", "--json", str(path)).exit_code == 0
    assert json.loads(path.read_text())["interrupted"] is False

    monkeypatch.setattr(cli, "run_topic", interrupted_at(lesson_ids()[0]))
    result = invoke("--target", "solutions", "--json", str(path))
    assert result.exit_code == 130
    card = json.loads(path.read_text())
    validate(card)
    assert card["interrupted"] is True
    assert (card["score"], card["max_score"]) == (0, 10 * len(lesson_ids()))
    assert {t["status"] for t in card["topics"]} == {"not_graded"}
    assert f"Interrupted: {', '.join(lesson_ids())} not graded" in result.output
