#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder's image: it installs a
# Python the kit supports (3.11 or newer) and the kit itself, from the zip's contents, into a
# virtual environment that run_autograder uses.
set -euo pipefail

AUTOGRADER="${AUTOGRADER:-/autograder}"
SOURCE="$AUTOGRADER/source"
VENV="$AUTOGRADER/venv"

supported() {
  "$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1
}

PYTHON=""
for candidate in python3.14 python3.13 python3.12 python3.11 python3; do
  if command -v "$candidate" >/dev/null 2>&1 && supported "$candidate"; then
    PYTHON="$candidate"
    break
  fi
done
if [ -z "$PYTHON" ]; then
  # Ubuntu 22.04, Gradescope's default base image, ships Python 3.10.
  apt-get update
  apt-get install -y python3.11 python3.11-venv
  PYTHON=python3.11
fi

rm -rf "$VENV"
if ! "$PYTHON" -m venv "$VENV"; then
  # Debian and Ubuntu leave venv's pip bootstrap out of Python itself.
  version="$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
  apt-get update
  apt-get install -y "python$version-venv"
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
fi

"$VENV/bin/python" -m pip install --upgrade pip
# A track other than the lesson (build_zip.sh wrote its name) brings its libraries, the kit's
# extra of the same name.
TRACK="$(cat "$SOURCE/track" 2>/dev/null || true)"
if [ -n "$TRACK" ] && [ "$TRACK" != lesson ]; then
  "$VENV/bin/python" -m pip install "$SOURCE[$TRACK]"
else
  "$VENV/bin/python" -m pip install "$SOURCE"
fi
# Fail the build now, where the instructor sees it, rather than at the first submission.
"$VENV/bin/grade" --help >/dev/null
echo "Installed the kit with $("$VENV/bin/python" --version)."
