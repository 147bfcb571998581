"""`grade class CHECKOUTS`: every student's checkout graded in turn, then the gradebook.

Each checkout (a folder per student, named by their login) is graded by a `grade` process of
its own, one after another: two at once would spoil each other's timings. Each grading runs
under the trusted flow's isolation (as root, the student's code runs as another user), with the
instructor's suites and signing key. A scorecard already written for a student's current
commit is kept, so an interrupted class run picks up where it stopped. At the end the
scorecards are collected into the gradebook and class report (`grade collect`).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import click

from grader.instructors.collect import collect, gradebook_options, gradebook_policy
from grader.instructors.identity import student_identity
from grader.settings import KIT_ROOT

CARDS_FOLDER = "scorecards"
# Where a checkout keeps the topic modules: exercises/ as the class release lays it out, else
# the checkout itself.
EXERCISES = "exercises"


def checkouts_in(folder: Path) -> list[Path]:
    """The students' checkouts: the folders directly under folder, by name."""
    return sorted((p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")),
                  key=lambda p: p.name.lower())


def exercises_of(checkout: Path) -> Path:
    """The folder of topic modules in a checkout."""
    return checkout / EXERCISES if (checkout / EXERCISES).is_dir() else checkout


def graded_already(card_path: Path, commit: str | None) -> bool:
    """True when the scorecard there grades this commit and was not cut short."""
    if commit is None or not card_path.is_file():
        return False
    try:
        card = json.loads(card_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return ((card.get("student") or {}).get("commit") == commit
            and not card.get("interrupted") and not card.get("focus"))


def remaining(durations: list[float], left: int) -> str:
    """The time the students left will take, at the median so far, in words."""
    if not durations or not left:
        return "no time"
    seconds = statistics.median(durations) * left
    if seconds < 60:
        return f"{seconds:.0f} s"
    hours, minutes = divmod(round(seconds / 60), 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def same_kit() -> dict[str, str]:
    """The environment for a grading process that imports this very kit, not another one that
    is installed, whatever folder it starts in."""
    paths = [str(KIT_ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}


def grade_command(checkout: Path, card_path: Path, suites: Path | None,
                  topics: list[str]) -> list[str]:
    """The `grade` run for one student: the course's topics (all when none are named) of their
    exercises, under their login, into their scorecard."""
    command = [sys.executable, "-m", "grader", *topics, "--target",
               str(exercises_of(checkout).resolve()), "--student", checkout.name,
               "--json", str(card_path.resolve())]
    return command + (["--suites", str(suites.resolve())] if suites else [])


@click.command("class")
@click.argument("checkouts", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--out", "out_dir", default="class-out", show_default=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Where the scorecards, the gradebook and the class report go.")
@click.option("--suites", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Your private suites, as for `grade --suites`.")
@click.option("--again", is_flag=True,
              help="Grade every student again, even those already graded at their commit.")
@gradebook_options
@click.pass_context
def grade_class(ctx: click.Context, checkouts: Path, out_dir: Path, suites: Path | None,
                again: bool, **gradebook) -> None:
    """Grade every student's checkout in CHECKOUTS, one at a time, then write the gradebook.

    Only the course's topics are graded when --topics or --track names them.

    CHECKOUTS holds a folder per student, named by their login, each a checkout of their
    repository (its exercises/ is graded). Scorecards go to OUT/scorecards/<login>.json; a
    student whose scorecard there already grades their current commit is skipped (--again
    grades everyone). Set GRADER_SIGNING_KEY to sign them, and run as root for the student's
    code to run as another user. The gradebook and class report then go to OUT, made as
    `grade collect` makes them (its options apply).
    """
    course = [t.id for t in gradebook_policy(gradebook["pick"], gradebook["before"],
                                             gradebook["course"], gradebook["track"]).topics]
    students = checkouts_in(checkouts)
    if not students:
        raise click.UsageError(f"{checkouts} holds no folder: give a folder with one checkout per "
                               "student, named by their login.")
    cards = out_dir / CARDS_FOLDER
    cards.mkdir(parents=True, exist_ok=True)
    durations: list[float] = []
    skipped = failed = 0
    for number, checkout in enumerate(students, start=1):
        card_path = cards / f"{checkout.name}.json"
        commit = student_identity(exercises_of(checkout), checkout.name, environ={})["commit"]
        shown = f"[{number}/{len(students)}] {checkout.name}" + (f" at {commit[:10]}" if commit
                                                                  else "")
        if not again and graded_already(card_path, commit):
            skipped += 1
            click.echo(f"{shown}: already graded at this commit, kept")
            continue
        click.echo(f"{shown}: grading ...", nl=False)
        started = time.monotonic()
        done = subprocess.run(grade_command(checkout, card_path, suites, course),
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True, cwd=out_dir, env=same_kit(),
                              check=False)
        durations.append(time.monotonic() - started)
        if done.returncode not in (0, 1) or not card_path.is_file():
            failed += 1
            reason = (done.stderr.strip().splitlines() or ["no scorecard written"])[-1]
            click.echo(f" no scorecard (exit {done.returncode}: {reason})")
            continue
        left = len(students) - number
        click.echo(f" {durations[-1]:.0f} s" + (f"; about {remaining(durations, left)} left"
                                                 if left else ""))
    per_student = (f"{statistics.median(durations):.0f} s per student (median of "
                   f"{len(durations)})" if durations else "nobody graded this time")
    click.echo(f"Graded {len(durations) - failed}, kept {skipped}, without a scorecard {failed}: "
               f"{per_student}.")
    ctx.invoke(collect, paths=(cards,), csv_path=out_dir / "gradebook.csv",
               html_path=out_dir / "class-report.html", suites_dir=suites, solutions_dir=None,
               **gradebook)
