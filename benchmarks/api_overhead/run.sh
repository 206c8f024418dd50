#!/usr/bin/env bash
# `make bench-api`: the framework-overhead benchmark end to end (about 5 minutes; loopback only).
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth) and wrk; arguments go to run.py.
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v wrk >/dev/null; then
  # wrk comes from Debian's packages; install it only where we may (root), else say how.
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && apt-get install -y -qq wrk >/dev/null
  else
    echo "wrk is missing: apt-get install -y wrk" >&2; exit 1
  fi
fi
if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  echo "PostgreSQL is not answering on 127.0.0.1:5432 (see .ci/run for how CI starts it)" >&2; exit 1
fi
[ -x .venv/bin/python ] || make install
exec .venv/bin/python benchmarks/api_overhead/run.py "$@"
