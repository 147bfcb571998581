"""Grading: `grade [TOPIC]...` runs each topic's suite and writes the scorecard and exports."""

from __future__ import annotations

import sys
import time
from datetime import datetime, timezone
from dataclasses import replace
from pathlib import Path

import click

from grader.instructors import exports
from grader.instructors.gradescope_visibility import Visibility, VisibilityError, load_visibility
from grader.instructors.identity import student_identity
from grader.instructors.signing import sign, signing_key
from grader.reporting import report
from grader.reporting.scorecard import (build_scorecard, check_writable, topic_status,
                                        write_atomically)
from grader.reporting.shown_output import MAX_CHECK_OUTPUT_LINES
from grader.reporting.outcomes import TopicRun
from grader import isolation, system
from grader.running.progress import ProgressLine
from grader.running.runner import run_topic
from grader.reporting.history import first_not_passed, record_run, target_of
from grader.settings import (Settings, SettingsError, require_topic_modules, resolve_cpus,
                             resolve_selection, resolve_start_method, resolve_suites,
                             resolve_target)
from grader.needs import unmet
from grader.topics import (LESSON, all_topics, get_topic, topic_ids, topics_of_track, tracks,
                           unknown_topic_message, unknown_track_message)

# Exit statuses besides 0 (graded) and click's 2 (usage error); the command's help lists them.
EXIT_BELOW_FAIL_UNDER = 1
EXIT_SCORECARD_NOT_WRITTEN = 3
EXIT_INTERRUPTED = 130
SUITE_KEPT_PRIVATE = (
    "Not graded here: your instructor keeps this topic's checks and runs them when grading, so "
    "it counts in neither your score nor its maximum here. Work through the exercise and its "
    "examples; `grade list` shows the other topics."
)
NOT_AVAILABLE = (
    "Not available on this Python: the topic needs {needs}. It counts in neither your score "
    "nor its maximum here; grade it where it can run."
)
JSON_NOT_WRITABLE = (
    "--json {path}: a scorecard cannot be written there ({reason}). Give a path in a folder "
    "you can write to."
)


class GradeCommand(click.Command):
    """The grading command. Its help is the kit's front page: usage as `grade [OPTIONS]
    [TOPIC]...`, then the other commands and the topics in lesson order."""

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        program = ctx.parent.info_name if ctx.parent else ctx.info_name
        formatter.write_usage(program, "[OPTIONS] [TOPIC]...  |  " + f"{program} COMMAND ...")

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        group = ctx.parent.command if ctx.parent else None
        if isinstance(group, click.Group):
            others = [(name, command.get_short_help_str(70))
                      for name, command in group.commands.items() if command is not self]
            if others:
                with formatter.section("Commands (`grade COMMAND --help` for each)"):
                    formatter.write_dl(others)
        with formatter.section("Topics, in lesson order"):
            formatter.write_dl([(topic.id, topic.title) for topic in all_topics()])


def choose_topics(names: tuple[str, ...], commands: list[str] = (), track: str | None = None):
    """The topics named, in their order; else those of the track (the lesson when none is
    named). A usage error names any unknown topic with the closest topic or command."""
    unknown = [name for name in names if name not in topic_ids()]
    if unknown:
        raise click.UsageError(unknown_topic_message(unknown, list(commands)))
    if names and track:
        raise click.UsageError("Name topics or a --track, not both: a track is its topics.")
    if track and track not in tracks():
        raise click.UsageError(unknown_track_message(track))
    if not names:
        return topics_of_track(track or LESSON)
    return tuple(get_topic(name) for name in topic_ids() if name in names)


def checks_asked_for(topics: tuple[str, ...], checks: tuple[str, ...]) -> dict[str, list[str]]:
    """The checks asked for per topic id, from `TOPIC::NAME` arguments and --check NAME."""
    asked: dict[str, list[str]] = {}
    for name in topics:
        if "::" in name:
            topic_id, check = name.split("::", 1)
            asked.setdefault(topic_id, []).append(check.removeprefix("test_"))
    if checks:
        plain = [name.split("::")[0] for name in topics]
        if len(set(plain)) != 1:
            raise click.UsageError("--check needs exactly one TOPIC, the one whose checks it names "
                                   "(for example `grade pool_map --check speedup`).")
        asked.setdefault(plain[0], []).extend(c.removeprefix("test_") for c in checks)
    return asked


def _grade_one(topic, settings: Settings, progress: ProgressLine) -> TopicRun:
    lacking = unmet(topic.needs)
    if lacking:
        return TopicRun(topic=topic, checks=(), problem="not_available", counts=False,
                        message=NOT_AVAILABLE.format(needs="; ".join(lacking)))
    if not settings.suite_path(topic).is_file():
        return TopicRun(topic=topic, checks=(), problem="not_graded", message=SUITE_KEPT_PRIVATE,
                        counts=False)
    try:
        return run_topic(topic, settings, on_progress=progress.check_running)
    except Exception as error:  # noqa: BLE001 - a grader bug must not lose the other topics
        return TopicRun(topic=topic, checks=(), problem="error",
                        message=f"The grader itself failed on this topic ({error!r}); please "
                                "report it with the output above.")


@click.command("grade", cls=GradeCommand)
@click.argument("topics", nargs=-1, metavar="[TOPIC]...")
@click.option("--target", default="exercises", show_default=True,
              help="What to grade: exercises, solutions, or the path of a folder of topic modules.")
@click.option("--json", "json_path", default="scorecard.json", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path), help="Where to write the scorecard.")
@click.option("--start-method", type=click.Choice(["fork", "spawn", "forkserver"]),
              envvar="GRADER_START_METHOD", show_envvar=True,
              help="Start method for your code [default: forkserver where offered, else spawn; "
                   "fork only when asked for, since it hides code that fails on macOS and Windows].")
@click.option("--fail-under", type=click.FloatRange(0, 100), metavar="PERCENT",
              help="Exit with status 1 when the total score is below this percentage.")
@click.option("--check-timeout", envvar="GRADER_CHECK_TIMEOUT", type=click.FloatRange(min=1),
              show_envvar=True, metavar="SECONDS",
              help="How long any one check may run before it is stopped [default: each check's "
                   "own limit, a few times what it needs].")
@click.option("--deadline", envvar="GRADER_DEADLINE", type=click.FloatRange(min=5), show_envvar=True,
              metavar="SECONDS",
              help="Hard limit on one topic's whole suite [default: the topic's own].")
@click.option("--cpus", envvar="GRADER_USABLE_CPUS", type=click.IntRange(min=1), show_envvar=True,
              metavar="N",
              help="Grade as if only N CPUs were usable (to see what a smaller machine gets).")
@click.option("-v", "--verbose", is_flag=True,
              help="Show under each check what your code printed during it (stdout and stderr, "
                   f"the last {MAX_CHECK_OUTPUT_LINES} lines of each), and keep it in the "
                   "scorecard.")
@click.option("--suites", "suites", metavar="DIR",
              help="Grade with the suites in DIR (an instructor's private copy, laid out like "
                   "grader/suites/) instead of the public ones.")
@click.option("--student", metavar="NAME",
              help="Who is graded, for the scorecard [default: from the CI environment, else git].")
@click.option("--gradescope", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Also write Gradescope's results.json here.")
@click.option("--gradescope-visibility", "visibility_file", metavar="FILE",
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A TOML file of the visibility of results.json's tests: default, and by "
                   "[kinds] and [topics] (visible, hidden, after_due_date, after_published).")
@click.option("--junit", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Also write JUnit XML here, for CI test reports.")
@click.option("--summary", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Also write a Markdown summary here (it is added to $GITHUB_STEP_SUMMARY "
                   "whenever that is set).")
@click.option("--check", "checks", multiple=True, metavar="NAME",
              help="Run only this check of the one TOPIC named (repeat for several); "
                   "`TOPIC::NAME` as a topic does the same.")
@click.option("--track", metavar="NAME",
              help="Grade the topics of this track (default: the lesson's, when no TOPIC is "
                   "named).")
@click.option("-x", "--exitfirst", is_flag=True,
              help="Stop at the first check that does not pass; later checks and topics are "
                   "not run.")
@click.pass_context
def grade(ctx, topics, target, json_path, start_method, fail_under, check_timeout, deadline, cpus,
          verbose, suites, student, gradescope, visibility_file, junit, summary, checks,
          track, exitfirst):
    """Grade the multiprocessing exercises and write a JSON scorecard.

    Grades every TOPIC named, in lesson order, or all of them when none is named. The exit
    status is 0 whenever grading ran, whatever the score; 1 below --fail-under, 2 for a usage
    error, 3 when the scorecard could not be written (the table still shows the scores), 130
    when interrupted with Ctrl-C (the scorecard marks the topics not graded).
    """
    root = ctx.find_root().command
    commands = list(root.commands) if isinstance(root, click.Group) else []
    topic_checks = checks_asked_for(topics, checks)
    chosen = choose_topics(tuple(name.split("::")[0] for name in topics), commands, track)
    try:
        settings = Settings(
            topics=chosen, target=resolve_target(target), json_path=json_path,
            start_method=resolve_start_method(start_method), cpus=resolve_cpus(cpus),
            check_timeout_s=check_timeout, deadline_s=deadline, fail_under=fail_under,
            verbose=verbose, suites_dir=resolve_suites(suites, chosen), student=student,
            exitfirst=exitfirst,
        )
        settings = replace(settings, selected_checks=resolve_selection(topic_checks,
                                                                      settings.suites_dir),
                           isolation=isolation.decide())
        require_topic_modules(settings.target, all_topics())
    except SettingsError as error:
        raise click.UsageError(str(error)) from None
    try:
        check_writable(settings.json_path)
    except OSError as error:
        raise click.UsageError(JSON_NOT_WRITABLE.format(
            path=settings.json_path, reason=error.strerror or error)) from None
    try:
        visibility = load_visibility(visibility_file, topic_ids()) if visibility_file else None
    except VisibilityError as error:
        raise click.UsageError(str(error)) from None
    click.echo(settings.summary(), err=True)
    # Orphans of the student's processes are adopted here, and killed after each topic.
    system.become_subreaper()

    generated_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    started = time.monotonic()
    # Closing the terminal, or a cancelled CI job, stops grading as Ctrl-C does: the suite's
    # processes are killed and the scorecard is still written.
    with system.stopped_by_hangup_or_term():
        runs, interrupted = _grade_topics(settings)
        # A Ctrl-C after the last topic was graded leaves a complete scorecard, not a partial one.
        unfinished = len(runs) < len(settings.topics)
        scorecard = build_scorecard(runs, settings, generated_at, time.monotonic() - started,
                                    interrupted=interrupted and unfinished,
                                    stopped_early=not interrupted and unfinished,
                                    student=student_identity(settings.target.package_dir, student))
        key = signing_key()
        if key:
            scorecard = sign(scorecard, key)
        try:
            write_atomically(scorecard, settings.json_path)
            write_error = None
        except OSError as error:
            write_error = error.strerror or str(error)
        _write_exports(scorecard, gradescope, junit, summary, visibility)
        record_run(scorecard)
    click.echo(report.render(scorecard, str(settings.json_path), write_error,
                             colour=report.use_colour(sys.stdout)))
    # The next topic is one of the tracks graded that can be graded here.
    graded_tracks = {topic.track for topic in settings.topics}
    gradable = [topic.id for topic in all_topics() if topic.track in graded_tracks
                and not topic.kept_by_instructor and not unmet(topic.needs)]
    if all(topic["status"] == "not_available" for topic in scorecard["topics"]):
        click.echo(report.NOTHING_GRADABLE_HERE)
    elif gradable:
        click.echo(report.next_step(first_not_passed(target_of(scorecard), gradable)))

    if interrupted:
        sys.exit(EXIT_INTERRUPTED)
    if write_error:
        sys.exit(EXIT_SCORECARD_NOT_WRITTEN)
    percent = 100 * scorecard["score"] / scorecard["max_score"] if scorecard["max_score"] else 0
    if settings.fail_under is not None and percent < settings.fail_under:
        click.echo(f"Score {percent:.0f}% is below --fail-under {settings.fail_under:g}%.",
                   err=True)
        sys.exit(EXIT_BELOW_FAIL_UNDER)


def _grade_topics(settings: Settings) -> tuple[list[TopicRun], bool]:
    """Grade the chosen topics in order; the runs made, and whether Ctrl-C stopped them."""
    runs = []
    progress = ProgressLine(sys.stderr)
    try:
        for number, topic in enumerate(settings.topics, start=1):
            progress.topic_started(number, len(settings.topics), topic.id)
            runs.append(_grade_one(topic, settings, progress))
            progress.topic_finished(runs[-1].duration_s)
            if settings.exitfirst and topic_status(runs[-1]) != "passed":
                break
    except KeyboardInterrupt:
        click.echo("\nInterrupted: the topics not graded yet count 0 and are marked not_graded.",
                   err=True)
        return runs, True
    return runs, False


def _write_exports(scorecard: dict, gradescope: Path | None, junit: Path | None,
                   summary: Path | None, visibility: Visibility | None) -> None:
    """Write the exports asked for; one that cannot be written is named, and loses nothing else."""
    try:
        exports.write_exports(scorecard, gradescope=gradescope, junit=junit, summary=summary,
                              visibility=visibility)
    except OSError as error:
        click.echo(f"An export could not be written ({error}); the scorecard was.", err=True)
