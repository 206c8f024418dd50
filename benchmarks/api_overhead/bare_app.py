"""The yardstick: GET /bitrix/users in bare Flask + psycopg2, doing the service's work and no more.

Same JWT check (PyJWT HS256, exp required, account in `sub`), the service's account lookup
verbatim, then the obvious count and page queries (the service now reads the page's ids and the
total in one index scan, see storage/listing.py), the same JSON items. Served by
`gunicorn -w 1 bare_app:app` (sync worker: one request at a time, so one connection is enough).
Reads DATABASE_URL and JWT_SECRET from the environment.
"""
import json
import os
from datetime import UTC

import jwt
import psycopg2
from flask import Flask, jsonify, request

ACCOUNT_SQL = ('SELECT "t1"."id", "t1"."account_id", "t1"."portal_url", "t1"."member_id", "t1"."subdomain",'
               ' "t1"."deleted", "t1"."created_at", "t1"."connected_at" FROM "account" AS "t1"'
               ' WHERE (("t1"."account_id" = %s) AND ("t1"."deleted" = %s)) ORDER BY "t1"."id" DESC LIMIT %s')
COUNT_SQL = ('SELECT COUNT(1) FROM (SELECT 1 FROM "portal_user" AS "t1" WHERE (("t1"."member_id" = %s)'
             ' AND ("t1"."deleted" = %s))) AS "_wrapped" LIMIT %s')
PAGE_SQL = ('SELECT "t1"."id", "t1"."member_id", "t1"."bitrix_id", "t1"."name", "t1"."last_name",'
            ' "t1"."second_name", "t1"."title", "t1"."email", "t1"."departments", "t1"."work_position",'
            ' "t1"."active", "t1"."deleted", "t1"."created_at", "t1"."updated_at" FROM "portal_user" AS "t1"'
            ' WHERE (("t1"."member_id" = %s) AND ("t1"."deleted" = %s))'
            ' ORDER BY "t1"."id" LIMIT %s OFFSET %s')

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


def user_item(row) -> dict:
    id_, member_id, bitrix_id, name, last_name, second_name, title, email, departments, position, \
        _active, deleted, created_at, _updated_at = row
    item = {"id": id_, "accountID": member_id, "bitrixUserID": bitrix_id, "name": name,
            "lastName": last_name, "secondName": second_name, "title": title,
            "uf_department": json.loads(departments), "workPosition": position, "deleted": deleted,
            "createdAt": created_at.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z")}
    if email:
        item["email"] = email
    return item


@app.get("/bitrix/users")
def list_users():
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return error(401, "No authorization token provided")
    try:
        claims = jwt.decode(header[7:], SECRET, algorithms=["HS256"], options={"require": ["exp"]})
    except jwt.InvalidTokenError:
        return error(401, "invalid token")
    try:
        page = int(request.args.get("page", 1))
        size = min(int(request.args.get("size", 25)), 100)
    except ValueError:
        return error(400, "page and size must be integers")
    if not 1 <= page <= 1_000_000 or size < 1:
        return error(400, "page or size out of range")
    with cursor() as cur:
        cur.execute(ACCOUNT_SQL, (str(claims.get("sub")), False, 1))
        account = cur.fetchone()
        if account is None or account[3] is None:
            return error(404, "no connected Bitrix24 portal for this account")
        member_id = account[3]
        cur.execute(COUNT_SQL, (member_id, False, 1))
        count = cur.fetchone()[0]
        cur.execute(PAGE_SQL, (member_id, False, size, (page - 1) * size))
        items = [user_item(row) for row in cur.fetchall()]
    return jsonify({"count": count, "items": items})
