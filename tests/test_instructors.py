"""The instructor's pieces: who was graded, hashes of the grader, signing, private suites and
the class release."""

import json
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.cli import main
from grader.grading import SUITE_KEPT_PRIVATE
from grader.instructors.identity import student_identity
from grader.instructors.release import student_readme
from grader.instructors.signing import sign, signature_state
from grader.reporting.integrity import grader_digest, grader_files
from grader.topics import topic_ids
from tests.conftest import KIT_ROOT, validate, words_of

SAMPLE = json.loads((KIT_ROOT / "docs" / "sample_scorecard.json").read_text())


def invoke(*args, env=None):
    return CliRunner().invoke(main, list(args), env=env)


def test_no_command_is_named_like_a_topic():
    assert set(main.commands) & set(topic_ids()) == set()


def test_every_command_has_help():
    for name in main.commands:
        result = invoke(name, "--help")
        assert result.exit_code == 0 and "Usage:" in result.output, name


def test_identity_from_ci_and_the_option_that_wins_over_it(tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    ci = {"GITHUB_ACTIONS": "true", "GITHUB_ACTOR": "octo", "GITHUB_REPOSITORY": "class/octo-kit",
          "GITHUB_SHA": "abc123"}
    assert student_identity(tmp_path, None, ci) == {
        "name": None, "login": "octo", "repository": "class/octo-kit", "commit": "abc123",
        "committed_at": None, "source": "environment"}
    chosen = student_identity(tmp_path, "Ada Lovelace", ci)
    assert (chosen["name"], chosen["source"], chosen["commit"]) == ("Ada Lovelace", "option", "abc123")


def test_identity_from_gitlab(tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    ci = {"GITLAB_CI": "true", "GITLAB_USER_LOGIN": "ada", "GITLAB_USER_NAME": "Ada L",
          "CI_PROJECT_PATH": "class/ada", "CI_COMMIT_SHA": "f00"}
    assert student_identity(tmp_path, None, ci)["name"] == "Ada L"


def git_checkout(tmp_path):
    """A git checkout with one commit, made by Grace Hopper; returns its HEAD."""
    def git(*args):
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True)
    git("init", "-q")
    git("config", "user.name", "Grace Hopper")
    git("config", "user.email", "grace@example.org")
    (tmp_path / "pool_map.py").write_text("x = 1\n")
    git("add", ".")
    git("commit", "-qm", "first")
    return subprocess.run(["git", "-C", str(tmp_path), "rev-parse", "HEAD"], capture_output=True,
                          text=True).stdout.strip()


def test_identity_from_git_with_the_commit_graded(tmp_path):
    head = git_checkout(tmp_path)
    found = student_identity(tmp_path, None, {})
    committed_at = found.pop("committed_at")
    assert found == {"name": "Grace Hopper", "login": "grace", "repository": None, "commit": head,
                     "source": "git"}
    assert datetime.fromisoformat(committed_at).tzinfo is not None


def test_in_an_instructors_ci_the_commit_is_the_graded_checkouts(tmp_path):
    head = git_checkout(tmp_path)
    ci = {"GITHUB_ACTIONS": "true", "GITHUB_ACTOR": "teacher", "GITHUB_SHA": "instructors-own"}
    found = student_identity(tmp_path, "ada", ci)
    assert (found["login"], found["commit"]) == ("ada", head)


def test_identity_outside_git_is_unknown_not_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    found = student_identity(tmp_path, None, {})
    assert found == {"name": None, "login": None, "repository": None, "commit": None,
                     "committed_at": None, "source": "unknown"}


def test_grader_digest_changes_with_any_edit_of_the_grader_but_not_its_suites(tmp_path):
    copy = tmp_path / "grader"
    shutil.copytree(KIT_ROOT / "grader", copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = grader_digest(copy)
    assert before == grader_digest(KIT_ROOT / "grader")
    (copy / "suites" / "test_pool_map.py").write_text("# changed\n")
    assert grader_digest(copy) == before, "suites have their own hashes"
    scorecard = copy / "reporting" / "scorecard.py"
    scorecard.write_text(scorecard.read_text().replace('"score": sum(', '"score": 10 + sum(', 1))
    assert grader_digest(copy) != before
    assert "reporting/schema.json" in {p.relative_to(copy).as_posix() for p in grader_files(copy)}


def test_signature_is_valid_until_anything_changes():
    signed = sign(SAMPLE, b"course key")
    assert signature_state(signed, b"course key") == "valid"
    assert signature_state(signed, b"another key") == "tampered"
    assert signature_state(signed, None) == "unchecked"
    assert signature_state(SAMPLE, b"course key") == "unsigned"
    edited = json.loads(json.dumps(signed))
    edited["topics"][0]["checks"][0]["points"] += 1
    assert signature_state(edited, b"course key") == "tampered"
    validate(signed)


def test_private_suites_grade_and_are_recorded(grade, tmp_path):
    private = tmp_path / "private"
    private.mkdir()
    shutil.copy(KIT_ROOT / "grader" / "suites" / "test_shared_values.py", private)
    # One check of it is enough to show that the private copy is the one graded.
    graded = grade("shared_values::counter_total", "--target", "solutions", "--suites", str(private))
    integrity = graded.scorecard["integrity"]
    assert (integrity["suites_source"], integrity["suites_dir"]) == ("private", str(private.resolve()))
    assert [check["outcome"] for check in graded.topic("shared_values")["checks"]] == ["passed"]
    assert "the private suites in" in graded.output


def test_a_local_run_says_it_ran_the_public_suites(grade):
    graded = grade("shared_values", "--target", "solutions")
    assert graded.scorecard["integrity"]["suites_source"] == "public"
    assert "with the public suites" in graded.output


def test_a_private_suites_folder_without_any_suite_asked_for_is_a_usage_error(tmp_path):
    result = invoke("pool_map", "--suites", str(tmp_path))
    assert result.exit_code == 2
    assert "no suite of pool_map there" in result.output


def test_a_private_suites_folder_holds_only_the_suites_kept_private(tmp_path):
    from grader.settings import SUITES_DIR, resolve_suites, suite_in
    from grader.topics import get_topic
    shutil.copy(SUITES_DIR / "test_shared_values.py", tmp_path)
    folder = resolve_suites(str(tmp_path), (get_topic("pool_map"), get_topic("shared_values")))
    assert suite_in(folder, "shared_values") == tmp_path.resolve() / "test_shared_values.py"
    assert suite_in(folder, "pool_map") == SUITES_DIR / "test_pool_map.py"


def test_signing_key_in_the_environment_signs_the_scorecard(tmp_path, monkeypatch):
    from grader import grading
    from tests.test_cli import passing_run
    monkeypatch.setattr(grading, "run_topic", passing_run)
    path = tmp_path / "card.json"
    result = invoke("pool_map", "--target", "solutions", "--json", str(path), "--student", "ada",
                    env={"GRADER_SIGNING_KEY": "s3cret"})
    assert result.exit_code == 0, result.output
    card = json.loads(path.read_text())
    validate(card)
    assert signature_state(card, b"s3cret") == "valid"
    assert card["student"]["login"] == "ada"


def test_student_readme_leaves_out_the_instructors_parts():
    text = "a\n<!-- instructors-only -->\nsecret\n<!-- /instructors-only -->\nb\n"
    assert student_readme(text) == "a\nb\n"


@pytest.fixture
def released(tmp_path):
    dest = tmp_path / "class-kit"
    result = invoke("release", str(dest))
    assert result.exit_code == 0, result.output
    return dest


def test_release_holds_what_students_need_and_no_solutions(released):
    assert (released / "exercises" / "pool_map.py").is_file()
    assert (released / "grader" / "suites" / "test_pool_map.py").is_file()
    assert (released / "student_runtime" / "agent.py").is_file()
    assert (released / ".github" / "workflows" / "grade.yml").is_file()
    for absent in ("solutions", "tests", "benchmarks", ".ci", "instructors"):
        assert not (released / absent).exists(), absent
    assert not list(released.rglob("__pycache__"))
    readme = (released / "README.md").read_text()
    assert "instructors-only" not in readme and "python -m pytest" not in readme
    assert grader_digest(released / "grader") == grader_digest(KIT_ROOT / "grader")


def test_a_release_holds_the_committed_stubs_whatever_exercises_holds(tmp_path, monkeypatch):
    # As though someone had solved pool_map in the instructor's copy since the last commit.
    from grader.instructors import release as release_module
    committed = {"pool_map": b"# the stub, as committed\n"}
    real = release_module.original_stub
    monkeypatch.setattr(release_module, "original_stub",
                        lambda topic: committed.get(topic.id) or real(topic))
    result = invoke("release", str(tmp_path / "class-kit"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "class-kit" / "exercises" / "pool_map.py").read_bytes() == \
        committed["pool_map"]
    assert (tmp_path / "class-kit" / "grader" / "student" / "originals" / "pool_map.py"
            ).read_bytes() == committed["pool_map"]
    said = next(line for line in result.output.splitlines()
                if "differs from the stubs committed in git for" in line)
    assert "pool_map" in said


def test_release_keeps_the_original_stubs_for_reset(released, monkeypatch, tmp_path):
    from grader import originals
    from grader.topics import all_topics

    monkeypatch.setattr(originals, "ORIGINALS_DIR", released / "grader" / "student" / "originals")
    monkeypatch.setattr(originals, "KIT_ROOT", tmp_path / "not-a-repository")
    for topic in all_topics():
        assert originals.original_stub(topic) == (released / "exercises" / f"{topic.id}.py").read_bytes()
    # Without the release's copies nor git, there is none.
    monkeypatch.setattr(originals, "ORIGINALS_DIR", tmp_path / "no-originals")
    assert originals.original_stub(all_topics()[0]) is None


def test_release_refuses_a_folder_that_is_not_empty_unless_asked(released):
    (released / ".git").mkdir()
    (released / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (released / "notes.txt").write_text("mine\n")
    refused = invoke("release", str(released))
    assert refused.exit_code == 1 and "is not empty" in refused.output
    assert (released / "notes.txt").exists()
    replaced = invoke("release", str(released), "--overwrite")
    assert replaced.exit_code == 0, replaced.output
    assert not (released / "notes.txt").exists()
    assert (released / ".git" / "HEAD").is_file(), "the class template's history is kept"


def test_release_leaves_out_private_suites(tmp_path, monkeypatch):
    from grader.instructors import release
    from grader.topics import get_topic
    private = get_topic("shared_values")
    monkeypatch.setattr(release, "all_topics", lambda: (private.__class__(
        **{**private.__dict__, "private_suite": True}),))
    result = invoke("release", str(tmp_path / "out"))
    assert result.exit_code == 0 and "test_shared_values.py" in result.output
    assert not (tmp_path / "out" / "grader" / "suites" / "test_shared_values.py").exists()
    assert (tmp_path / "out" / "grader" / "suites" / "test_pool_map.py").exists()


@pytest.mark.slow
def test_released_kit_grades_and_marks_a_private_topic_not_graded(released, tmp_path):
    (released / "grader" / "suites" / "test_shared_values.py").unlink()
    card_path = tmp_path / "card.json"
    done = subprocess.run(
        [sys.executable, "-m", "grader", "shared_values", "process_basics", "--json", str(card_path)],
        cwd=released, env={"PYTHONPATH": str(released), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    card = json.loads(card_path.read_text())
    validate(card)
    assert Path(card["target"]["path"]) == (released / "exercises").resolve()
    statuses = {t["id"]: t["status"] for t in card["topics"]}
    assert statuses == {"process_basics": "not_started", "shared_values": "not_graded"}
    assert card["topics"][1]["message"] == SUITE_KEPT_PRIVATE
    # Counted nowhere here: the student's total is out of the topics they can grade.
    assert card["topics"][1]["max_score"] == 0 and card["max_score"] == 10
    assert words_of(SUITE_KEPT_PRIVATE)[:40] in done.stdout


def test_verify_passes_a_signed_scorecard_and_names_its_student(tmp_path):
    path = tmp_path / "card.json"
    path.write_text(json.dumps(sign(SAMPLE, b"k")))
    result = invoke("verify", str(path), env={"GRADER_SIGNING_KEY": "k"})
    assert result.exit_code == 0, result.output
    assert "signature valid" in result.output and "ada at commit 5f1c0a7e9b2d, 16/30" in result.output


@pytest.mark.parametrize("content, words", [
    (None, "signature does NOT match"),
    (json.dumps(SAMPLE), "NOT signed"),
    ('{"schema_version": "1.3", "topics": [', "truncated"),
    ('{"tests": []}', "not a scorecard"),
    ("", "empty file"),
])
def test_verify_fails_a_tampered_unsigned_or_broken_file_with_one_line(tmp_path, content, words):
    if content is None:
        edited = sign(SAMPLE, b"k")
        edited["score"] = edited["max_score"]
        content = json.dumps(edited)
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(json.dumps(sign(SAMPLE, b"k")))
    bad.write_text(content)
    result = invoke("verify", str(good), str(bad), env={"GRADER_SIGNING_KEY": "k"})
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[0].startswith(f"{good}: signature valid")
    assert lines[1].startswith(f"{bad}: ") and words in lines[1]
    assert "Traceback" not in result.output


def test_verify_without_a_key_still_compares_the_graders(tmp_path):
    card = json.loads(json.dumps(SAMPLE))
    card["integrity"]["grader"] = grader_digest()
    same, other = tmp_path / "same.json", tmp_path / "other.json"
    same.write_text(json.dumps(card))
    assert invoke("verify", str(same), env={"GRADER_SIGNING_KEY": ""}).exit_code == 0
    card["integrity"]["grader"] = "0" * 64
    other.write_text(json.dumps(card))
    result = invoke("verify", str(same), str(other), env={"GRADER_SIGNING_KEY": ""})
    assert result.exit_code == 1
    assert "GRADER_SIGNING_KEY is not set: the signatures are not checked" in result.stderr
    first, second = result.stdout.strip().splitlines()
    assert first.startswith(f"{same}: signature not checked")
    assert "grader identical to this kit's" in first and "grader DIFFERS" in second


def test_verify_says_when_the_grader_differs_from_this_kit(tmp_path):
    card = json.loads(json.dumps(SAMPLE))
    card["integrity"]["grader"] = grader_digest()
    same, other = tmp_path / "same.json", tmp_path / "other.json"
    same.write_text(json.dumps(sign(card, b"k")))
    card["integrity"]["grader"] = "0" * 64
    other.write_text(json.dumps(sign(card, b"k")))
    result = invoke("verify", str(same), str(other), env={"GRADER_SIGNING_KEY": "k"})
    first, second = result.output.strip().splitlines()[:2]
    assert "grader identical to this kit's" in first and "grader DIFFERS" in second


def test_a_private_topic_keeps_no_hints_in_the_release_and_the_grader_digest_holds(tmp_path):
    from grader.instructors.release import without_private_hints
    from grader.topics import parse_topics
    copy = tmp_path / "grader"
    shutil.copytree(KIT_ROOT / "grader", copy, ignore=shutil.ignore_patterns("__pycache__"))
    text = (copy / "topics.toml").read_text()
    private = without_private_hints(text.replace('id = "pool_map"\n',
                                                 'id = "pool_map"\nprivate_suite = true\n'))
    hints = {topic.id: topic.hints for topic in parse_topics(private)}
    assert hints["pool_map"] == () and hints["pool_methods"]
    (copy / "topics.toml").write_text(private)
    assert grader_digest(copy) == grader_digest(KIT_ROOT / "grader")
    (copy / "topics.toml").write_text(private.replace("points = 10", "points = 11", 1))
    assert grader_digest(copy) != grader_digest(KIT_ROOT / "grader")
