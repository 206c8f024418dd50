"""The suite drops every table of its database, so it must refuse one that is not for tests."""
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def run_suite_against(url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "TEST_DATABASE_URL": url}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "tests/storage/test_schema.py"], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=120)


def test_a_database_not_named_for_tests_is_refused_and_left_alone(tmp_path):
    precious = tmp_path / "bitrix.db"
    with sqlite3.connect(precious) as conn:
        conn.execute("CREATE TABLE portal (member_id TEXT)")
        conn.execute("INSERT INTO portal VALUES ('customer')")
    finished = run_suite_against(f"sqlite:///{precious}")
    assert finished.returncode == 2
    assert "only on a database whose name says it is for tests" in finished.stdout + finished.stderr
    with sqlite3.connect(precious) as conn:
        assert conn.execute("SELECT member_id FROM portal").fetchall() == [("customer",)]


def test_a_database_named_for_tests_is_used(tmp_path):
    assert run_suite_against(f"sqlite:///{tmp_path / 'test_run.db'}").returncode == 0
