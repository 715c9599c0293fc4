"""Gunicorn's threaded worker, giving a connection a thread only once its request head has arrived.

Gunicorn's `gthread` worker keeps idle keep-alive connections in its event loop, but hands a new
connection to a thread as soon as its first byte arrives; the thread then waits, blocked, for the
rest of the headers. Forty clients that type their headers slowly hold forty threads, and every
other request (the health probes too) waits behind them. Here the worker's event loop reads each
request head without blocking, as nginx does, within HEAD_TIMEOUT for the whole head, and only a
complete head goes to a thread: a slow or idle client costs a socket, never a thread.

The workers also share new connections out evenly. They all wait on one listening socket and the
kernel wakes every one of them for a new connection: whichever gets there first takes it, so one
worker could end up with the connections of a burst (wrk's eight, a browser's six) while the other
stood idle, and those connections stay with it while kept alive. Here a worker that already has a
connection for each of its threads steps aside before taking another, for longer the more it
holds (step_aside_seconds), so that the worker holding fewest takes it first; if none does, it
takes that one connection then. (SO_REUSEPORT, gunicorn's `reuse_port`, would balance by a hash
instead, but resets the connections queued on a worker's own socket whenever that worker is
replaced.)

This overrides a few methods of gunicorn's `ThreadWorker` (gunicorn is pinned to a major release in
pyproject.toml for that reason); tests/reliability/test_slow_clients.py and
test_connection_balance.py exercise it for real.
"""

from __future__ import annotations

import contextlib
import errno
import selectors
import time
from collections import deque
from functools import partial
from typing import Any

from gunicorn.workers.gthread import TConn, ThreadWorker

# The whole request line and headers must arrive within this many seconds.
HEAD_TIMEOUT = 20.0
# A longer head is refused (gunicorn's own limits would refuse it later, after holding a thread).
MAX_HEAD_BYTES = 64 * 1024
HEAD_END = b"\r\n\r\n"
# How long a worker with a connection for each of its threads leaves a new one to the others, for
# each connection it holds beyond that, and at most: long enough for the other worker, woken for
# the same connection, to be scheduled on a busy machine; short beside any request.
STEP_ASIDE_SECONDS = 0.002
MAX_STEP_ASIDE_SECONDS = 0.010
TOO_LARGE = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
    b"Connection: close\r\nContent-Length: 0\r\n\r\n"
)


class HeadConn(TConn):
    """A connection whose request head the event loop has read already."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.head = bytearray()
        self.head_deadline = 0.0

    def init(self) -> None:
        first = not self.initialized
        super().init()
        if first and self.head:
            # The parser is made here, in the request's thread: give it the bytes read so far.
            self.parser.unreader.unread(bytes(self.head))
            self.head.clear()


class HeadFirstThreadWorker(ThreadWorker):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.heads: deque[HeadConn] = deque()  # by deadline: every head gets the same time
        self.stepped_aside_until = 0.0  # accepting is paused until then, for another worker

    def accept(self, listener: Any) -> None:
        pause, now = self.step_aside_seconds(), time.monotonic()
        if pause and now >= self.stepped_aside_until + pause:
            self.stepped_aside_until = now + pause
            super().set_accept_enabled(False)
            return
        # Not busy, or back from stepping aside: take this one (only one: the next steps aside).
        self.stepped_aside_until = 0.0
        try:
            client, address = listener.accept()
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        self.await_head(HeadConn(self.cfg, client, address, listener.getsockname()))

    def step_aside_seconds(self) -> float:
        """How long to leave a new connection to the other workers: none while this one has a
        thread for each connection it holds, then longer with every further connection (so that
        of two busy workers, the one holding fewer takes it), but never more than a few ms."""
        beyond = self.nr_conns - self.cfg.threads + 1
        if self.cfg.workers < 2 or beyond <= 0:
            return 0.0
        return float(min(MAX_STEP_ASIDE_SECONDS, STEP_ASIDE_SECONDS * beyond))

    def set_accept_enabled(self, enabled: bool) -> None:
        """Gunicorn's loop turns accepting back on whenever it can; not while stepped aside."""
        if enabled and time.monotonic() < self.stepped_aside_until:
            return
        super().set_accept_enabled(enabled)

    def wait_for_and_dispatch_events(self, timeout: float) -> None:
        """Wake up when a pause ends, to accept again (the loop's own wait is a second)."""
        pause = self.stepped_aside_until - time.monotonic()
        if pause > 0:
            timeout = min(timeout, pause)
        super().wait_for_and_dispatch_events(timeout)

    def on_client_socket_readable(self, conn: HeadConn, client: Any) -> None:
        """A kept-alive connection starts its next request: read that head first, too."""
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        self.await_head(conn)

    def await_head(self, conn: HeadConn) -> None:
        conn.sock.setblocking(False)
        conn.head_deadline = time.monotonic() + HEAD_TIMEOUT
        self.heads.append(conn)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self.read_head, conn))

    def read_head(self, conn: HeadConn, client: Any) -> None:
        try:
            data = conn.sock.recv(MAX_HEAD_BYTES)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:  # the client went away
            self.drop_head(conn)
            return
        conn.head += data
        if HEAD_END in conn.head:
            self.poller.unregister(client)
            self.heads.remove(conn)
            if conn.parser is not None:  # kept alive: its parser exists, so it takes the bytes now
                conn.parser.unreader.unread(bytes(conn.head))
                conn.head.clear()
            conn.data_ready = True  # so that the thread does not wait for data either
            self.enqueue_req(conn)
        elif len(conn.head) > MAX_HEAD_BYTES:
            with contextlib.suppress(OSError):
                conn.sock.send(TOO_LARGE)
            self.drop_head(conn)

    def drop_head(self, conn: HeadConn) -> None:
        with contextlib.suppress(KeyError, ValueError, OSError):
            self.poller.unregister(conn.sock)
        self.heads.remove(conn)
        self.nr_conns -= 1
        conn.close()

    def murder_pending(self) -> None:
        """Called on every turn of the event loop: also close the heads that took too long."""
        super().murder_pending()
        now = time.monotonic()
        while self.heads and self.heads[0].head_deadline <= now:
            self.drop_head(self.heads[0])

    def _cap_keepalive(self, deadline: float) -> None:
        """On shutdown: unfinished heads get no longer than kept-alive connections do."""
        super()._cap_keepalive(deadline)
        for conn in self.heads:
            conn.head_deadline = min(conn.head_deadline, deadline)
