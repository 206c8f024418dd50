"""One thread that accepts connections for every listener in the process.

A fake with 500 portals has 500 listening sockets. ``serve_forever`` would give each its own
thread polling every few milliseconds (measured: 500 idle portals burnt 40% of a core); here one
thread waits on all of them at once and hands each new connection to its server, which serves it
in a thread of its own (``ThreadingMixIn``), so a slow answer holds only its own connection.
"""
import os
import selectors
import socket
import threading

_STEP_TIMEOUT = 5.0  # how long add/remove wait for the accepting thread before giving up


class Acceptor:
    """Accepts for any number of ``socketserver`` servers; ``add`` and ``remove`` are thread-safe."""

    def __init__(self):
        self._fresh()

    def _fresh(self) -> None:
        self._selector = selectors.DefaultSelector()
        self._lock = threading.Lock()
        self._pending: list = []  # (add: bool, server, done) for the accepting thread to apply
        self._wake_reader, self._wake_writer = socket.socketpair()
        self._wake_reader.setblocking(False)
        self._selector.register(self._wake_reader, selectors.EVENT_READ, None)
        self._thread: threading.Thread | None = None

    def add(self, server) -> None:
        """Start accepting for ``server`` (a bound, listening ``socketserver.TCPServer``)."""
        server.socket.setblocking(False)
        self._ask(True, server)

    def remove(self, server) -> None:
        """Stop accepting for ``server``; when this returns no new connection will reach it."""
        self._ask(False, server)

    def _ask(self, add: bool, server) -> None:
        done = threading.Event()
        with self._lock:
            self._pending.append((add, server, done))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="fake-bitrix-acceptor", daemon=True)
                self._thread.start()
        self._wake_writer.send(b"!")
        if not done.wait(_STEP_TIMEOUT):
            raise RuntimeError("the fake's accepting thread did not answer")

    def _run(self) -> None:
        while True:
            for key, _ in self._selector.select():
                if key.data is None:
                    self._apply_pending()
                else:
                    _accept(key.data)

    def _apply_pending(self) -> None:
        try:
            while self._wake_reader.recv(4096):
                pass
        except BlockingIOError:
            pass
        with self._lock:
            pending, self._pending = self._pending, []
        for add, server, done in pending:
            try:
                if add:
                    self._selector.register(server.socket, selectors.EVENT_READ, server)
                else:
                    self._selector.unregister(server.socket)
            except (KeyError, ValueError, OSError):
                pass  # already registered, or already gone
            done.set()


def _accept(server) -> None:
    """What ``socketserver``'s ``_handle_request_noblock`` does for one ready listening socket."""
    try:
        request, address = server.get_request()
    except OSError:
        return  # the client gave up before we accepted (or nothing was there after all)
    try:
        server.process_request(request, address)
    except Exception:
        server.handle_error(request, address)
        server.shutdown_request(request)


ACCEPTOR = Acceptor()
# A forked child must not share the parent's selector (an epoll registration is the kernel's, not the
# process's): it starts with an acceptor of its own and none of the parent's listeners.
os.register_at_fork(after_in_child=ACCEPTOR._fresh)
