#!/usr/bin/env bash
# The client fetch benchmark end to end (a few minutes; loopback only); arguments go to run.py.
# fast_bitrix24 lives in this folder's own .venv (git-ignored), never in the project's venv.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../.."

if [ ! -x "$here/.venv/bin/python" ] || ! "$here/.venv/bin/python" -c "import fast_bitrix24" 2>/dev/null; then
  python3 -m venv "$here/.venv"
  "$here/.venv/bin/pip" install -q -r "$here/requirements.txt"
fi
[ -x .venv/bin/python ] || make install
exec .venv/bin/python "$here/run.py" --fast-python "$here/.venv/bin/python" "$@"
