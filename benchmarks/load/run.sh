#!/bin/sh
# The load test and the fault drills of issue 8 (about 15 minutes with the defaults).
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust); restarts it in the `postgres` drill.
# Arguments go to run.py, e.g.: benchmarks/load/run.sh --duration 60 --phases load,kill
set -eu
cd "$(dirname "$0")/../.."
exec .venv/bin/python benchmarks/load/run.py "$@"
