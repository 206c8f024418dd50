"""`python -m storage migrate`: apply pending schema migrations to DATABASE_URL."""
import argparse
import logging

from settings import Settings
from storage import db


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m storage")
    parser.add_argument("command", choices=["migrate", "status"])
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    settings = Settings.from_env()
    db.bind(settings.database_url, pool_size=2)
    if args.command == "migrate":
        applied = db.migrate()
        print(f"applied {len(applied)} migration(s): {', '.join(applied) or 'none pending'}")
    else:
        for migration in db.status():
            print(f"{'applied' if migration.applied else 'pending'}  {migration.name}")


if __name__ == "__main__":
    main()
