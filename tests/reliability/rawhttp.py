"""HTTP over a plain socket, for requests no ordinary client sends: huge, chunked or slow."""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, field
from urllib.parse import urlsplit


def connect(base: str, timeout: float = 30) -> socket.socket:
    parts = urlsplit(base)
    return socket.create_connection((parts.hostname, parts.port), timeout=timeout)


def head(base: str, method: str, path: str, headers: dict[str, str]) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {urlsplit(base).netloc}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def chunked(data: bytes, size: int = 65536) -> bytes:
    pieces = [
        f"{len(data[i : i + size]):x}\r\n".encode() + data[i : i + size] + b"\r\n"
        for i in range(0, len(data), size)
    ]
    return b"".join(pieces) + b"0\r\n\r\n"


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


def read_answer(sock: socket.socket) -> Answer:
    """Read one response (headers, then a Content-Length body or until the server closes)."""
    data = b""
    while b"\r\n\r\n" not in data:
        piece = sock.recv(65536)
        if not piece:
            raise ConnectionError(f"the server closed the connection after {data!r}")
        data += piece
    raw_head, _, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = raw_head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding") == "chunked":
        while not body.endswith(b"0\r\n\r\n"):
            body += sock.recv(65536) or b"0\r\n\r\n"
        return Answer(status(status_line), headers, unchunk(body))
    length = int(headers.get("content-length", "-1"))
    while length < 0 or len(body) < length:
        try:
            piece = sock.recv(65536)
        except ConnectionResetError:
            break
        if not piece:
            break
        body += piece
    return Answer(status(status_line), headers, body[: length if length >= 0 else None])


def status(line: str) -> int:
    return int(line.split()[1])


def unchunk(body: bytes) -> bytes:
    data = b""
    while True:
        size_line, _, body = body.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            return data
        data, body = data + body[:size], body[size + 2 :]


@dataclass
class Sender:
    """Sends bytes from a thread, so that the caller can read the answer meanwhile."""

    sock: socket.socket
    pieces: list[bytes]
    sent: int = 0
    error: str = ""
    thread: threading.Thread = field(init=False)

    def __post_init__(self) -> None:
        self.thread = threading.Thread(target=self._send, daemon=True)
        self.thread.start()

    def _send(self) -> None:
        try:
            for piece in self.pieces:
                self.sock.sendall(piece)
                self.sent += len(piece)
        except OSError as error:  # the server answered and closed: the point of these tests
            self.error = str(error)
