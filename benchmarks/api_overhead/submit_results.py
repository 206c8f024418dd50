"""What POST /bitrix/results needs under load: a rule for quiz 1 and usable tokens on every portal.

The rules go in as the service stores them; the tokens are encrypted with the benchmark's SECRET_KEY
(the servers get the same), so the service finds each portal usable as a connected one would be.
Every measured run starts from no stored results and no jobs, so every setup meets the same tables.
"""
import json

import psycopg2

SECRET_KEY = "bench-api-secret-key-of-at-least-32-bytes-long-0123"
QUIZ = 1
PATH = "/bitrix/results"

RULES_SQL = """
INSERT INTO rule (member_id, account_id, quiz_id, lead_flag, performer_id, pipeline_id, type_id, stage_id,
                  source_id, status_id, fields_rule, tags_to_add, deleted, created_at, updated_at)
SELECT md5('bench-portal-' || n), 'bench-' || n, %(quiz)s, true, '1', 0, '', '', 'WEB', 'NEW',
       '{"lead": {"QuestionID": {"1": "UF_CRM_1700000001"}}}', '{"lead": ["квиз"]}', false, now(), now()
FROM generate_series(1, %(portals)s) AS n
"""


def ensure(url: str, portals: int) -> None:
    """Rules and tokens on the 1,000 small portals (idempotent)."""
    from storage.crypto import TokenCipher
    cipher = TokenCipher(SECRET_KEY)
    conn = psycopg2.connect(url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM rule WHERE quiz_id = %s AND deleted = false", (QUIZ,))
            if cur.fetchone()[0] != portals:
                cur.execute("DELETE FROM rule")
                cur.execute(RULES_SQL, {"quiz": QUIZ, "portals": portals})
            # The same two ciphertexts everywhere: what is measured is reading them, not their variety.
            cur.execute("UPDATE portal SET access_token = %s, refresh_token = %s, expires_at = 4102444800",
                        (cipher.encrypt("bench-access-token"), cipher.encrypt("bench-refresh-token")))
    finally:
        conn.close()


def reset(url: str) -> None:
    """No stored results and no jobs: the state every setup's run starts from."""
    conn = psycopg2.connect(url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute("TRUNCATE delivery, job RESTART IDENTITY")
    finally:
        conn.close()


def body(result_id: str) -> str:
    """A quiz result as the platform posts it (about 350 bytes)."""
    return json.dumps({"quizID": QUIZ, "resultID": result_id, "answers": {"1": "Дом", "2": ["сад", "баня"]},
                       "contact": {"name": "Анна", "phone": "+7 916 123-45-67", "email": "anna@example.com"},
                       "utm": {"source": "yandex", "medium": "cpc"}, "title": "Заявка из квиза"},
                      ensure_ascii=False)
