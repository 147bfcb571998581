"""The `grade` command's interface: options, exit codes and usage errors."""

import json
import multiprocessing
import subprocess
import sys

import pytest
from click.testing import CliRunner

from grader.cli import main
from tests.conftest import HOSTILE, validate


def invoke(*args):
    return CliRunner().invoke(main, list(args))


def test_help_lists_every_option():
    result = invoke("--help")
    assert result.exit_code == 0
    for option in ("--target", "--json", "--start-method", "--fail-under", "--check-timeout",
                   "--deadline", "--cpus"):
        assert option in result.output


def test_python_dash_m_grader_is_the_same_command():
    result = subprocess.run([sys.executable, "-m", "grader", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "--target" in result.stdout


def test_unknown_topic_is_a_usage_error_listing_the_valid_ones():
    result = invoke("pool_mapp")
    assert result.exit_code == 2
    assert "unknown topic pool_mapp" in result.output
    assert "process_basics, pool_map, shared_values" in result.output


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
