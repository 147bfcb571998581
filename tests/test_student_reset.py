"""`grade reset TOPIC`: the stub comes back, and the student's file is never lost."""

from datetime import datetime

import pytest
from click.testing import CliRunner

from grader.reporting import history
from grader.student import reset_command
from grader.student.last_run import last_results
from grader.student.reset_command import reset
from grader.originals import original_stub
from grader.student.stubs import backup_path, keep_backup
from grader.topics import all_topics

TOPIC = all_topics()[0]
NOW = datetime(2026, 3, 14, 15, 9, 26)
WORK = b"def mine():\n    return 'a long evening of work'\n"


class FrozenClock:
    @staticmethod
    def now(tz=None):
        return NOW.replace(tzinfo=tz)


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """A student's exercises folder holding the topic's stub, as the current folder's child."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(reset_command, "datetime", FrozenClock)
    exercises = tmp_path / "exercises"
    exercises.mkdir()
    (exercises / f"{TOPIC.id}.py").write_bytes(original_stub(TOPIC))
    return exercises


def run(*args, **kwargs):
    result = CliRunner().invoke(reset, list(args), **kwargs)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def backups(folder):
    return sorted(p.name for p in folder.glob("*.bak-*"))


def test_a_file_equal_to_the_stub_has_nothing_to_reset(folder):
    result = run(TOPIC.id, "--yes")
    assert result.exit_code == 0 and "nothing to reset" in result.output
    assert backups(folder) == []


def test_a_missing_file_gets_the_stub_back(folder):
    other = all_topics()[1]
    (folder / f"{other.id}.py").write_bytes(original_stub(other))
    (folder / f"{TOPIC.id}.py").unlink()
    result = run(TOPIC.id)
    assert result.exit_code == 0 and "was missing" in result.output
    assert (folder / f"{TOPIC.id}.py").read_bytes() == original_stub(TOPIC)


def test_yes_keeps_a_backup_then_restores_the_stub(folder):
    file = folder / f"{TOPIC.id}.py"
    file.write_bytes(WORK)
    result = run(TOPIC.id, "--yes")
    assert result.exit_code == 0
    backup = folder / f"{TOPIC.id}.py.bak-20260314-150926"
    assert backup.read_bytes() == WORK
    assert file.read_bytes() == original_stub(TOPIC)
    assert result.output.strip() == (f"Restored exercises/{TOPIC.id}.py to the original stub. "
                                     f"Your file is kept as exercises/{backup.name}.")


def test_an_existing_backup_is_never_overwritten(folder):
    file = folder / f"{TOPIC.id}.py"
    earlier = folder / f"{TOPIC.id}.py.bak-20260314-150926"
    earlier.write_bytes(b"an earlier backup")
    file.write_bytes(WORK)
    assert run(TOPIC.id, "-y").exit_code == 0
    file.write_bytes(WORK + b"# more\n")
    assert run(TOPIC.id, "-y").exit_code == 0
    assert earlier.read_bytes() == b"an earlier backup"
    assert (folder / f"{earlier.name}-2").read_bytes() == WORK
    assert (folder / f"{earlier.name}-3").read_bytes() == WORK + b"# more\n"


def test_without_a_terminal_or_yes_it_refuses_and_changes_nothing(folder):
    file = folder / f"{TOPIC.id}.py"
    file.write_bytes(WORK)
    result = run(TOPIC.id)
    assert result.exit_code == 1
    assert f"grade reset {TOPIC.id} --yes" in result.output
    assert file.read_bytes() == WORK and backups(folder) == []


def test_it_asks_first_at_a_terminal(folder, monkeypatch):
    monkeypatch.setattr(reset_command, "stdin_is_interactive", lambda: True)
    file = folder / f"{TOPIC.id}.py"
    file.write_bytes(WORK)
    result = run(TOPIC.id, input="y\n")
    assert result.exit_code == 0
    assert (f"Replace exercises/{TOPIC.id}.py with the original stub? Your file is kept as "
            f"exercises/{TOPIC.id}.py.bak-20260314-150926") in result.output
    assert file.read_bytes() == original_stub(TOPIC)
    assert backups(folder) == [f"{TOPIC.id}.py.bak-20260314-150926"]


def test_answering_no_changes_nothing(folder, monkeypatch):
    monkeypatch.setattr(reset_command, "stdin_is_interactive", lambda: True)
    file = folder / f"{TOPIC.id}.py"
    file.write_bytes(WORK)
    result = run(TOPIC.id, input="n\n")
    assert result.exit_code == 0 and "Nothing changed" in result.output
    assert file.read_bytes() == WORK and backups(folder) == []


def test_a_failed_backup_leaves_the_file_as_it_was(folder, monkeypatch):
    file = folder / f"{TOPIC.id}.py"
    file.write_bytes(WORK)

    def cannot_copy(*args):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(reset_command, "keep_backup", cannot_copy)
    result = run(TOPIC.id, "--yes")
    assert result.exit_code == 1 and "Permission denied" in result.output
    assert "it is unchanged" in result.output and file.read_bytes() == WORK


def test_backup_names_skip_every_taken_name(tmp_path):
    file = tmp_path / "pool_map.py"
    file.write_bytes(WORK)
    first = keep_backup(file, NOW)
    assert first.name == "pool_map.py.bak-20260314-150926"
    assert backup_path(file, NOW).name == "pool_map.py.bak-20260314-150926-2"
    assert keep_backup(file, NOW).name == "pool_map.py.bak-20260314-150926-2"
    assert first.read_bytes() == WORK


def test_a_missing_target_is_a_usage_error(folder):
    result = run(TOPIC.id, "--target", str(folder.parent / "nowhere"))
    assert result.exit_code == 2 and "no such folder" in result.output


def test_a_folder_without_topic_modules_is_refused(folder, tmp_path):
    other = tmp_path / "notes"
    other.mkdir()
    result = run(TOPIC.id, "--target", str(other), "--yes")
    assert result.exit_code == 2 and "holds none of the topic modules" in result.output
    assert list(other.iterdir()) == []


def test_unknown_topic_lists_the_valid_ones_with_a_guess(folder):
    result = run(TOPIC.id + "x")
    assert result.exit_code == 2
    assert f"did you mean {TOPIC.id}?" in result.output and "Valid topics:" in result.output


def test_a_reset_topic_shows_as_not_graded(folder, tmp_path):
    history.record_run({"generated_at": "2026-03-14T12:00:00+00:00", "focus": None,
                        "target": {"path": str(folder.resolve())},
                        "topics": [{"id": TOPIC.id, "score": 10, "max_score": 10,
                                    "status": "passed", "checks": []}]})
    assert TOPIC.id in last_results(tmp_path / "scorecard.json", folder)
    (folder / f"{TOPIC.id}.py").write_bytes(WORK)
    assert run(TOPIC.id, "--yes").exit_code == 0
    assert TOPIC.id not in last_results(tmp_path / "scorecard.json", folder)
