"""HTTP/1.1 by hand, for what no well-behaved client sends: huge or trickled requests, lying headers."""
import json
import socket
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes
    seconds: float
    closed: bool | None  # the server ended the connection after answering (None: not checked)

    def json(self):
        return json.loads(self.body)


def _parse(raw: bytes, seconds: float, closed: bool) -> Answer:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", len(body)))
    return Answer(int(lines[0].split()[1]), headers, body[:length], seconds, closed)


def exchange(url: str, head: bytes, body_parts=(), pause: float = 0.0, timeout: float = 30.0,
             check_closed: bool = False) -> Answer:
    """Send `head`, then `body_parts` (with `pause` before each) from a thread, while reading the answer.

    The answer may come before the body is sent (a refusal): it is read as soon as it comes, and a
    server that closes the connection under a client still sending is not an error here. With
    `check_closed`, waits up to 2 s to see whether the server ends the connection.
    """
    address = urlsplit(url)
    sock = socket.create_connection((address.hostname, address.port), timeout=timeout)
    started = time.monotonic()

    def pump():
        try:
            sock.sendall(head)
            for part in body_parts:
                if pause:
                    time.sleep(pause)
                sock.sendall(part)
        except OSError:
            pass

    sender = threading.Thread(target=pump, daemon=True)
    sender.start()
    raw, closed = b"", False
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                closed = True
                break
            raw += chunk
            head_end = raw.find(b"\r\n\r\n")
            if head_end >= 0:
                answer = _parse(raw, 0, False)
                if len(answer.body) >= int(answer.headers.get("content-length", 0)):
                    break
    except ConnectionResetError:
        closed = True
    seconds = time.monotonic() - started
    if check_closed and not closed:
        sock.settimeout(2)
        try:
            closed = sock.recv(1) == b""
        except TimeoutError:
            closed = False
        except ConnectionResetError:
            closed = True
    sock.close()
    sender.join(timeout=5)
    assert raw, "the server sent nothing"
    return _parse(raw, seconds, closed if check_closed else None)


def request_head(method: str, path: str, headers: dict) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def megabytes(count: int, chunked: bool = False):
    """`count` MiB of body, one MiB at a time (as chunked transfer encoding if asked)."""
    block = b"x" * (1 << 20)
    for _ in range(count):
        yield b"100000\r\n" + block + b"\r\n" if chunked else block
    if chunked:
        yield b"0\r\n\r\n"
