"""Filters of the lists (issue 17): the users' search column, filled for the users already synced,
and one index per filter (each starts with the portal's live rows and ends in the list's order).

Frozen on purpose, the folding included: it must fill the column as storage/user_search.py did when
this was written. A later change to that folding fills rows anew at the next sync of each portal
(reconcile compares the column like any other), or sooner with a migration of its own.
"""
CHUNK = 1000
INDEXES = (
    ("portal_user_search", "portal_user", "member_id, deleted, id, search_text"),
    ("step_by_entity", "step", "member_id, deleted, entity_id, sort, id"),
    ("step_by_pipeline", "step", "member_id, deleted, pipeline_id, entity_id, sort, id"),
    ("pipeline_by_entity_type", "pipeline", "member_id, deleted, entity_type_id, id"),
    ("field_by_entity", "field", "member_id, deleted, entity_id, field_type, id"),
    ("field_by_type", "field", "member_id, deleted, field_type, id"),
)


def _search_text(name, last_name, email, work_position) -> str:
    return " ".join((part or "").casefold().replace("ё", "е")[:128]
                    for part in (name, last_name, email, work_position))


def up(migrator, db):
    # A constant default: neither database rewrites the table to add the column.
    db.execute_sql("ALTER TABLE portal_user ADD COLUMN search_text TEXT NOT NULL DEFAULT ''")
    param, last = db.param, 0
    while True:
        rows = db.execute_sql(f"SELECT id, name, last_name, email, work_position FROM portal_user "
                              f"WHERE id > {param} ORDER BY id LIMIT {CHUNK}", (last,)).fetchall()
        if not rows:
            break
        values = ", ".join([f"({param}, {param})"] * len(rows))
        db.execute_sql(f"UPDATE portal_user SET search_text = v.column2 FROM (VALUES {values}) AS v "
                       "WHERE portal_user.id = v.column1",
                       [value for row in rows for value in (row[0], _search_text(*row[1:]))])
        last = rows[-1][0]
    for name, table, columns in INDEXES:
        db.execute_sql(f'CREATE INDEX "{name}" ON "{table}" ({columns})')
