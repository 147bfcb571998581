"""The instructors' trusted workflow keeps its promises: pinned actions, no credentials left on
disk, read-only permissions, the students' code run as another user, and a last job that
verifies and collects every scorecard."""

from __future__ import annotations

import re

from conftest import KIT_ROOT

from grader.topics import tracks

TRUSTED = (KIT_ROOT / "instructors" / "github" / "grade-class.yml").read_text(encoding="utf-8")


def test_every_action_is_pinned_to_a_commit():
    uses = re.findall(r"uses:\s*(\S+)", TRUSTED)
    assert uses
    assert all(re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", action) for action in uses), uses


def test_no_checkout_leaves_its_credentials_on_disk():
    checkouts = TRUSTED.count("uses: actions/checkout@")
    assert checkouts == TRUSTED.count("persist-credentials: false")


def test_the_workflow_may_only_read():
    assert re.search(r"^permissions:\n  contents: read$", TRUSTED, re.MULTILINE)


def test_grading_runs_as_root_with_the_kit_and_suites_locked_away():
    assert "sudo chmod -R go-rwx kit private" in TRUSTED
    assert 'sudo --preserve-env=GRADER_SIGNING_KEY "$(command -v grade)"' in TRUSTED


def test_a_last_job_verifies_and_collects_every_scorecard():
    collect = TRUSTED[TRUSTED.index("\n  collect:"):]
    assert "needs: grade" in collect
    assert "grade verify scorecards/*.json" in collect
    assert "grade collect scorecards --require-separate-user" in collect


def test_the_students_come_from_the_roster_file_at_a_ref_the_instructor_names():
    assert "matrix:\n        student: ${{ fromJSON(needs.roster.outputs.students) }}" in TRUSTED
    assert re.search(r"^      max-parallel: \d+$", TRUSTED, re.MULTILINE)
    assert "sparse-checkout: roster.csv" in TRUSTED
    assert "ref: ${{ inputs.ref }}" in TRUSTED
    collect = TRUSTED[TRUSTED.index("\n  collect:"):]
    assert "--roster kit/roster.csv" in collect and '--before "$DEADLINE"' in collect


def test_the_track_picked_is_installed_graded_and_counted():
    options = re.search(r"^      track:\n(?:        .*\n)*?        options: \[(.*)\]$", TRUSTED,
                        re.MULTILINE)
    assert options and [o.strip() for o in options.group(1).split(",")] == tracks()
    grade = TRUSTED[TRUSTED.index("\n  grade:"):TRUSTED.index("\n  collect:")]
    collect = TRUSTED[TRUSTED.index("\n  collect:"):]
    assert 'python -m pip install -e "./kit[$TRACK]"' in grade
    assert '"$(command -v grade)" --track "$TRACK"' in grade
    assert '--track "$TRACK"' in collect
    # Each step that reads it gets it as a variable, never pasted into its script.
    assert grade.count("TRACK: ${{ inputs.track }}") == 2
    assert collect.count("TRACK: ${{ inputs.track }}") == 1
    assert "${{ inputs.track }}" not in TRUSTED.replace("TRACK: ${{ inputs.track }}", "")
