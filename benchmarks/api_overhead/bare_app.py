"""The yardstick: the service's two hot operations in bare Flask + psycopg2, doing their work and no more.

GET /bitrix/users and POST /bitrix/results with the same JWT check (PyJWT HS256, exp required,
account in `sub`) and the service's own SQL statements, taken from its storage modules at start-up
(so the ratio measures the framework, not a different query plan), the same JSON in and out.
Served by `gunicorn -w 1 bare_app:app` (sync worker: one request at a time, so one connection is
enough). Reads DATABASE_URL, JWT_SECRET and SECRET_KEY from the environment.
"""
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

import jwt
import psycopg2
from flask import Flask, jsonify, request

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
# The service's statements, as its storage modules run them (placeholders in psycopg2's style).
from storage import accounts, deliveries, job_queue, listing, portals, rules, users  # noqa: E402
from storage.models import PortalUser  # noqa: E402


def _psycopg2(sql: str) -> str:
    return sql.replace("{p}", "%s")


ACCOUNT_SQL = _psycopg2(accounts.CONNECTED_SQL)
PAGE_SQL = _psycopg2(listing.page_sql(PortalUser, [listing.equals("member_id", ""), listing.equals("deleted", False)],
                                      (), users.COLUMNS))
HAS_RULE_SQL = _psycopg2(rules.HAS_LIVE_SQL)
USABLE_SQL = _psycopg2(portals.USABLE_SQL)
INSERT_RESULT_SQL = _psycopg2(deliveries.INSERT_SQL)
QUEUED_JOB_SQL = _psycopg2(job_queue.QUEUED_SQL)
INSERT_JOB_SQL = _psycopg2(job_queue.INSERT_SQL)
PAGE_COLUMNS = users.COLUMNS

app = Flask(__name__)
SECRET = os.environ["JWT_SECRET"]
_conn = None


def cursor():
    """A cursor on the process's one connection (autocommit, as peewee runs it), reopened if lost."""
    global _conn
    if _conn is None or _conn.closed:
        _conn = psycopg2.connect(os.environ["DATABASE_URL"])
        _conn.autocommit = True
    return _conn.cursor()


def error(status: int, message: str):
    return jsonify(message), status


def user_item(row: dict) -> dict:
    item = {"id": row["id"], "accountID": row["member_id"], "bitrixUserID": row["bitrix_id"], "name": row["name"],
            "lastName": row["last_name"], "secondName": row["second_name"], "title": row["title"],
            "uf_department": json.loads(row["departments"]), "workPosition": row["work_position"],
            "deleted": row["deleted"], "createdAt": listing.rfc3339(row["created_at"])}
    if row["email"]:
        item["email"] = row["email"]
    return item


def account_of(header: str):
    """(account id, None) for a valid bearer token, else (None, the 401 answer)."""
    if not header.startswith("Bearer "):
        return None, error(401, "No authorization token provided")
    try:
        claims = jwt.decode(header[7:], SECRET, algorithms=["HS256"], options={"require": ["exp"]})
    except jwt.InvalidTokenError:
        return None, error(401, "invalid token")
    return str(claims.get("sub")), None


@app.get("/bitrix/users")
def list_users():
    account, refused = account_of(request.headers.get("Authorization", ""))
    if refused:
        return refused
    try:
        page = int(request.args.get("page", 1))
        size = min(int(request.args.get("size", 25)), 100)
    except ValueError:
        return error(400, "page and size must be integers")
    if not 1 <= page <= 1_000_000 or size < 1:
        return error(400, "page or size out of range")
    with cursor() as cur:
        cur.execute(ACCOUNT_SQL, (account, False))
        found = cur.fetchone()
        if found is None or found[0] is None:
            return error(404, "no connected Bitrix24 portal for this account")
        cur.execute(PAGE_SQL, (found[0], False, size, (page - 1) * size))
        rows = cur.fetchall()
    items = [user_item(dict(zip(PAGE_COLUMNS, row, strict=False))) for row in rows]
    return jsonify({"count": rows[0][-1] if rows else 0, "items": items})


@app.post("/bitrix/results")
def submit_result():
    account, refused = account_of(request.headers.get("Authorization", ""))
    if refused:
        return refused
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("quizID"), int) or not body.get("resultID"):
        return error(400, "quizID and resultID are required")
    if any(not (key.isascii() and key.isdigit() and 0 < len(key) <= 10) for key in body.get("answers") or {}):
        return error(400, "answers: keys must be question ids")
    now = datetime.now(UTC).replace(tzinfo=None)
    with cursor() as cur:
        cur.execute(ACCOUNT_SQL, (account, False))
        found = cur.fetchone()
        if found is None or found[0] is None:
            return error(404, "no connected Bitrix24 portal for this account")
        member_id = found[0]
        cur.execute(HAS_RULE_SQL, (member_id, body["quizID"], False))
        if cur.fetchone() is None:
            return error(404, f"quiz {body['quizID']} has no rule: nothing to deliver")
        cur.execute(USABLE_SQL, (member_id, False))
        status = "queued" if cur.fetchone() is not None else "held"
        cur.execute(INSERT_RESULT_SQL, (account, member_id, body["quizID"], body["resultID"],
                                        json.dumps(body, ensure_ascii=False, sort_keys=True), status, 0, "[]",
                                        now, now, now))
        created = cur.fetchone() is not None
        if created:
            cur.execute(QUEUED_JOB_SQL, (member_id, "deliver", "", "queued"))
            if cur.fetchone() is None:
                cur.execute(INSERT_JOB_SQL, ("deliver", member_id, "", None, "queued", 50, 0, now, now, now))
    stamp = listing.rfc3339(now)
    return jsonify({"resultID": body["resultID"], "quizID": body["quizID"], "status": status, "attempts": 0,
                    "leadID": None, "dealID": None, "contactID": None, "companyID": None, "lastError": None,
                    "problems": [], "createdAt": stamp, "updatedAt": stamp, "deliveredAt": None}), 202
