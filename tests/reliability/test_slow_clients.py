"""Slow and idle connections cannot take the production server away from everyone else.

Forty connections send their request headers a line at a time and never finish them, forty more
stay open after a request (keep-alive) and send nothing; meanwhile `/api/health` must still answer.
A functional check with a generous time-out, not a timing target: the machine may be loaded.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import urllib.request

import pytest

from tests.reliability.rawhttp import connect, head, read_answer
from tests.reliability.server import App

pytestmark = pytest.mark.slow

SLOW = 40
IDLE = 40


def trickle(sockets: list[socket.socket], stop: threading.Event) -> None:
    """One more header line on every slow connection every second, until told to stop."""
    line = 0
    while not stop.wait(1):
        line += 1
        for sock in sockets:
            with contextlib.suppress(OSError):  # the server may give up on it: it should
                sock.sendall(f"X-Slow-{line}: still typing\r\n".encode())


def test_the_server_answers_health_checks_with_dozens_of_slow_and_idle_connections_open(
    app: App,
) -> None:
    slow = []
    for _ in range(SLOW):
        sock = connect(app.base, timeout=5)
        sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        slow.append(sock)
    idle = []
    for _ in range(IDLE):
        sock = connect(app.base, timeout=30)
        sock.sendall(head(app.base, "GET", "/api/health", {"Connection": "keep-alive"}))
        assert read_answer(sock).status == 200
        idle.append(sock)  # kept open, sending nothing more
    stop = threading.Event()
    typing = threading.Thread(target=trickle, args=(slow, stop), daemon=True)
    typing.start()
    try:
        time.sleep(2)  # every slow connection has sent a few more lines
        answered = []
        for _ in range(3):
            with urllib.request.urlopen(f"{app.base}/api/health", timeout=30) as response:
                answered.append(response.status)
        assert answered == [200, 200, 200]
    finally:
        stop.set()
        typing.join()
        for sock in slow + idle:
            sock.close()


def test_a_kept_alive_connection_may_send_its_next_head_in_pieces(app: App) -> None:
    sock = connect(app.base)
    request = head(app.base, "GET", "/api/health", {"Connection": "keep-alive"})
    sock.sendall(request)
    assert read_answer(sock).status == 200
    for piece in (request[:7], request[7:30], request[30:]):
        sock.sendall(piece)
        time.sleep(0.3)
    assert read_answer(sock).status == 200
    sock.close()


def test_a_head_longer_than_64_kb_is_refused_without_taking_a_thread(app: App) -> None:
    sock = connect(app.base)
    sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    sock.sendall(b"X-Padding: " + b"p" * (70 * 1024))  # and no end of the headers
    assert read_answer(sock).status == 431
    sock.close()
