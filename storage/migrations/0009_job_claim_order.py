"""The claim order of the job queue as an index: priority, then the oldest due, then id.

A claim walks this partial index from its start and takes the first due job of a portal that has
none running, instead of sorting every queued job (thousands during a resync of every portal).
"""


def up(migrator, db):
    db.execute_sql("CREATE INDEX job_claim_order ON job (priority, run_after, id) WHERE state = 'queued'")
