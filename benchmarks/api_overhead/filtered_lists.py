"""The lists' filters (issue 17) under the same load: a filtered page against the unfiltered page 1.

Kept apart from the framework-overhead rows of run.py: its own data (2,000 fields on the big
portal, 64 on each other portal, the users' search column), its own rows and table. Each filtered
row is measured in the same run as its unfiltered baseline, on the same portals and tokens, and the
table gives the ratio of their p50s against the target (at most 1.5).
"""
import json
import random

import psycopg2

BIG_FIELDS = 2000          # the big portal's custom fields, spread over four entities and 16 types
SMALL_FIELDS = 64          # each of the 1,000 other portals'
TARGET = 1.5
ENTITIES = ("CRM_LEAD", "CRM_DEAL", "CRM_CONTACT", "CRM_COMPANY")
TYPES = ("string", "integer", "double", "boolean", "datetime", "enumeration", "iblock_section",
         "iblock_element", "employee", "crm_status", "crm", "address", "money", "url", "file", "crm_pena_tag")
SEARCH = "%D0%98%D0%B2%D0%B0%D0%BD12"  # "Иван12": Cyrillic, in another case than stored
# (label, path, token file, label of the baseline it is compared with, or None for a baseline)
PAGES = [
    ("fields page=1 (2,000-field portal)", "/bitrix/fields?page=1&size=25", "big.txt", None),
    ("fields entityID=CRM_LEAD (500 of 2,000)", "/bitrix/fields?entityID=CRM_LEAD&page=1&size=25",
     "big.txt", "fields page=1 (2,000-field portal)"),
    ("fields entityID=CRM_LEAD&fieldType=string (31)",
     "/bitrix/fields?entityID=CRM_LEAD&fieldType=string&page=1&size=25", "big.txt",
     "fields page=1 (2,000-field portal)"),
    ("users page=1 (1,000 portals)", "/bitrix/users?page=1&size=25", "tokens.txt", None),
    ("users search=Иван12 (1,000 portals)", f"/bitrix/users?search={SEARCH}&page=1&size=25", "tokens.txt",
     "users page=1 (1,000 portals)"),
    ("users page=1 (25,000-user portal)", "/bitrix/users?page=1&size=25", "big.txt", None),
    ("users search=Иван12 (25,000-user portal)", f"/bitrix/users?search={SEARCH}&page=1&size=25", "big.txt",
     "users page=1 (25,000-user portal)"),
]

FIELDS_SQL = """
INSERT INTO field (member_id, bitrix_id, entity_id, field_name, label, field_type, bitrix_type, multiple,
                   mandatory, items, deleted, created_at, updated_at)
SELECT md5('bench-portal-' || p), f::text, (%(entities)s)[f %% 4 + 1], 'UF_CRM_' || (1700000000 + f),
       'Поле ' || f, (%(types)s)[(f / 4) %% 16 + 1], (%(types)s)[(f / 4) %% 16 + 1], false, false, '[]', false,
       now(), now()
FROM generate_series(%(first)s, %(last)s) AS ps(p), generate_series(1, %(fields)s) AS fs(f)
ORDER BY ps.p, fs.f
"""
# Only for the benchmark's own data (names like 'Иван12', 'Петров'): PostgreSQL's lower() under the
# database's locale; checked against the service's folding before anything is measured.
SEARCH_TEXT_SQL = """
UPDATE portal_user SET search_text = lower(name || ' ' || last_name || ' ' || email || ' ' || work_position)
WHERE search_text = ''
"""


def ensure(url: str, portals: int) -> None:
    """The fields and the users' search column the filtered rows need (idempotent)."""
    from storage.user_search import search_text
    conn = psycopg2.connect(url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM field")
            if cur.fetchone()[0] != BIG_FIELDS + portals * SMALL_FIELDS:
                cur.execute("TRUNCATE field RESTART IDENTITY")
                common = {"entities": list(ENTITIES), "types": list(TYPES)}
                cur.execute(FIELDS_SQL, {**common, "first": 0, "last": 0, "fields": BIG_FIELDS})
                cur.execute(FIELDS_SQL, {**common, "first": 1, "last": portals, "fields": SMALL_FIELDS})
                print(f"seeded {BIG_FIELDS + portals * SMALL_FIELDS:,} fields")
            cur.execute(SEARCH_TEXT_SQL)
            if cur.rowcount:
                print(f"filled the search column of {cur.rowcount:,} users")
            cur.execute("SELECT name, last_name, email, work_position, search_text FROM portal_user "
                        "TABLESAMPLE SYSTEM (0.1) LIMIT 500")
            sample = cur.fetchall()
        for name, last_name, email, position, stored in random.sample(sample, min(len(sample), 100)):
            user = {"name": name, "last_name": last_name, "email": email, "work_position": position}
            if stored != search_text(user):
                raise SystemExit(f"bench data: search_text {stored!r} is not what storage/user_search.py makes of it")
        conn.autocommit = True
        with conn.cursor() as cur:
            # A settled database: fresh statistics, and a visibility map for index-only scans.
            cur.execute("VACUUM ANALYZE field, portal_user")
    finally:
        conn.close()


def check_answers(server, folder, fetch) -> None:
    """Every filtered page answers 200 with matches: a benchmark of empty answers measures nothing."""
    for label, path, token_file, _ in PAGES:
        token = (folder / token_file).read_text().split()[0]
        status, body = fetch(server.url + path, token)
        if status != 200 or not json.loads(body)["count"]:
            raise SystemExit(f"{server.name} answers {label} with {status} {body[:200]!r}")


def table(rows: list[dict]) -> str:
    lines = ["| list | setup | req/s | p50 ms | p99 ms | CPU ms/req: worker | PostgreSQL | p50 vs unfiltered "
             f"(target ≤ {TARGET}) |", "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    baselines = {label: baseline for label, _, _, baseline in PAGES}
    for row in rows:
        errors = f" ({row['errors']} errors!)" if row["errors"] else ""
        base = baselines[row["page"]]
        if base is None:
            ratio = "baseline"
        else:
            reference = next(r for r in rows if r["page"] == base and r["setup"] == row["setup"])
            value = row["p50"] / reference["p50"]
            ratio = f"{value:.2f} ({'met' if value <= TARGET else 'NOT met'})"
        lines.append(f"| {row['page']} | {row['setup']}{errors} | {row['rps']:,.0f} | {row['p50']:.1f} | "
                     f"{row['p99']:.1f} | {row['cpu_ms']:.2f} | {row['db_cpu_ms']:.2f} | {ratio} |")
    return "\n".join(lines)
