"""``python -m fake_bitrix``: an OAuth server and one seeded portal for local demos, until Ctrl-C."""
import argparse
import logging
import signal
import sys
import threading

from .fake import FakeBitrix


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m fake_bitrix", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--oauth-port", type=int, default=8701, help="0 picks a free port")
    parser.add_argument("--regional-oauth-port", type=int, default=8703, help="0 picks a free port")
    parser.add_argument("--portal-port", type=int, default=8702, help="0 picks a free port")
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--fields", type=int, default=0, help="extra string user fields per CRM entity")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--client-id", default="local.test.app")
    parser.add_argument("--client-secret", default="test-secret")
    parser.add_argument("--redirect-uri", default="http://127.0.0.1:8080/webhook/create")
    return parser.parse_args()


def main() -> None:
    """Start the fake, print how to point the service at it, serve until interrupted."""
    args = _arguments()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    fake = FakeBitrix(client_id=args.client_id, client_secret=args.client_secret,
                      redirect_uri=args.redirect_uri, host=args.host, port=args.oauth_port,
                      regional_port=args.regional_oauth_port).start()
    portal = fake.add_portal(users=args.users, fields=args.fields, seed=args.seed, port=args.portal_port)
    print(f"""
Fake Bitrix24 is running.
  OAuth servers: {", ".join(fake.oauth_urls)} (the portal's is the first)
  portal: {portal.url}   member_id: {portal.member_id}

Start the service with:
  export BITRIX_OAUTH_SERVERS={",".join(fake.oauth_urls)}
  export BITRIX_OAUTH_URL={fake.oauth_url}   # a service without BITRIX_OAUTH_SERVERS yet
  export BITRIX_CLIENT_ID={fake.client_id}
  export BITRIX_CLIENT_SECRET={fake.client_secret}
  export BITRIX_ALLOW_HTTP=true

then connect the portal: POST /bitrix/account {{"client_bitrix_url": "{portal.url}"}}
and open the authURL it returns; the portal approves at once and redirects to {fake.redirect_uri}.
Poke the portal directly: curl '{portal.webhook_url()}user.get'
Ctrl-C stops it.""", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stopped by a process manager: clean up too
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()


if __name__ == "__main__":
    main()
