#!/usr/bin/env bash
# Builds the zip to upload as a Gradescope autograder, from the files in this checkout of the
# kit: setup.sh and run_autograder at its root, beside what `pip install` needs and the stubs.
#   instructors/gradescope/build_zip.sh [ZIP] [PRIVATE_SUITES_DIR] [VISIBILITY_TOML] [TRACK]
# ZIP defaults to autograder.zip in the current folder. PRIVATE_SUITES_DIR, the folder you
# would give `grade --suites`, goes in as private_suites/ and then grades every submission.
# VISIBILITY_TOML, the file you would give `grade --gradescope-visibility`, goes in as
# gradescope.toml and sets which tests students see, and when. TRACK (the lesson unless given)
# goes in as the file track and names the topics graded: `modern` installs and grades the modern
# track. Give "" for an argument you skip.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
KIT="$(cd "$HERE/../.." && pwd)"
ZIP="$(cd "$(dirname "${1:-autograder.zip}")" && pwd)/$(basename "${1:-autograder.zip}")"
PRIVATE_SUITES="${2:-}"
VISIBILITY="${3:-}"
TRACK="${4:-}"

STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT

cp "$KIT/pyproject.toml" "$KIT/README.md" "$STAGE/"
cp -R "$KIT/grader" "$KIT/student_runtime" "$STAGE/"
# The stubs as committed, not exercises/ as this copy holds it now: the autograder grades a topic
# the student did not submit from them.
if git -C "$KIT" rev-parse --verify -q HEAD >/dev/null 2>&1; then
  git -C "$KIT" archive HEAD exercises | tar -x -C "$STAGE"
else
  cp -R "$KIT/exercises" "$STAGE/"
fi
cp "$HERE/setup.sh" "$HERE/run_autograder" "$STAGE/"
if [ -n "$PRIVATE_SUITES" ]; then
  cp -R "$PRIVATE_SUITES" "$STAGE/private_suites"
fi
if [ -n "$VISIBILITY" ]; then
  cp "$VISIBILITY" "$STAGE/gradescope.toml"
fi
if [ -n "$TRACK" ]; then
  echo "$TRACK" >"$STAGE/track"
fi
find "$STAGE" -name __pycache__ -type d -prune -exec rm -rf {} +
chmod +x "$STAGE/setup.sh" "$STAGE/run_autograder"

rm -f "$ZIP"
# The files themselves at the zip's root, not a folder holding them: Gradescope looks there.
(cd "$STAGE" && python3 -m zipfile -c "$ZIP" *)
echo "Wrote $ZIP"
