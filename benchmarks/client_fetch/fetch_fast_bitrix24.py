"""Child: every user of the portal through fast_bitrix24's `get_all('user.get')` on a webhook URL.

Runs with this benchmark's own venv (requirements.txt); reads its job as JSON on stdin. The library
is told the portal's limits (request_pool_size = bucket, requests_per_second = drain) and is used
unpatched: it accepts the fake's http://127.0.0.1:PORT/rest/{user}/{code}/ webhook as it is.
"""
import child
from fast_bitrix24 import Bitrix


def main() -> None:
    job = child.order()
    bitrix = Bitrix(job["webhook"], verbose=False, request_pool_size=job["bucket"],
                    requests_per_second=job["drain"])
    child.send(child.timed(lambda: bitrix.get_all("user.get")))


if __name__ == "__main__":
    main()
