"""Request bodies are capped before anything parses them: too big is a 413, never a full disk.

Each test talks to the production server (gunicorn, `invoicetron serve`) over a plain socket, so the
bodies are the ones a hostile client sends: a Content-Length of 400 MB, or chunks without one. The
server's temporary directory (TMPDIR) is the test's own, so that anything spooled to disk shows.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.reliability.rawhttp import Sender, chunked, connect, head, read_answer
from tests.reliability.server import App, Prepared, start_app

pytestmark = pytest.mark.slow

MB = 1024 * 1024
SENT = 8 * MB  # what the client really sends of its announced 400 MB: more than any limit
CSV_UPLOAD_LIMIT = 5 * MB + 64 * 1024  # the CSV file's own 5 MB and the form's other fields


@pytest.fixture
def spool(tmp_path: Path) -> Path:
    folder = tmp_path / "server-tmp"
    folder.mkdir()
    return folder


@pytest.fixture
def served(prepared: Prepared, tmp_path: Path, spool: Path) -> Iterator[App]:
    started = start_app(prepared, tmp_path / "server.log", TMPDIR=str(spool))
    yield started
    if started.process.poll() is None:
        started.process.kill()
        started.process.wait()


def largest_file(folder: Path) -> int:
    return max((path.stat().st_size for path in folder.rglob("*") if path.is_file()), default=0)


def test_an_anonymous_400_mb_upload_is_refused_with_413_before_anything_is_written(
    served: App, spool: Path
) -> None:
    boundary = "invoicetron-boundary"
    part = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        'filename="huge.csv"\r\nContent-Type: text/csv\r\n\r\n'
    ).encode()
    headers = {
        "Content-Type": f"multipart/form-data; boundary={boundary}",
        "Content-Length": str(400 * MB),
        # Any visitor has a CSRF cookie (the sign-in page sets one); with it, the CSRF check
        # reads the form, and so the whole body, before anything asks who is sending it.
        "Cookie": "csrftoken=" + "a" * 32,
    }
    sock = connect(served.base)
    megabyte = b"a," * (MB // 2)
    sender = Sender(sock, [head(served.base, "POST", "/data/", headers), part, *[megabyte] * 8])
    sender.thread.join(timeout=60)
    sock.settimeout(15)
    try:
        answer = read_answer(sock)
    except TimeoutError:
        answer = None  # still reading the body: what did it do with it meanwhile?

    assert largest_file(spool) <= CSV_UPLOAD_LIMIT, (
        f"the server wrote {largest_file(spool)} bytes of an anonymous upload to disk"
    )
    assert answer is not None, "the server answers without waiting for the whole body"
    assert answer.status == 413
    assert answer.headers["content-type"].startswith("text/html")
    page = answer.body.decode()
    assert "Too large" in page
    assert "5 MB" in page, "the page says how large an upload may be"
    sock.close()
    assert largest_file(spool) <= CSV_UPLOAD_LIMIT


def api_headers(app: App, **extra: str) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {app.database.token}",
        "Content-Type": "application/json",
        **extra,
    }


def assert_too_large_problem(answer_body: bytes) -> None:
    problem = json.loads(answer_body)
    assert problem["error"]["code"] == "payload_too_large"
    assert "MB" in problem["error"]["message"], "the message says what the limit is"


def test_a_3_mb_api_body_is_a_413_problem_not_a_500(served: App) -> None:
    body = json.dumps({"name": "Globex", "notes": "x" * (3 * MB)}).encode()
    headers = api_headers(served, **{"Content-Length": str(len(body))})
    sock = connect(served.base)
    Sender(sock, [head(served.base, "POST", "/api/v1/clients", headers), body])
    answer = read_answer(sock)
    assert answer.status == 413
    assert answer.headers["content-type"] == "application/json"
    assert_too_large_problem(answer.body)


def test_a_chunked_body_without_a_length_is_counted_while_it_is_read(served: App) -> None:
    headers = api_headers(served, **{"Transfer-Encoding": "chunked"})
    sock = connect(served.base)
    endless = f"{MB:x}\r\n".encode() + b"x" * MB + b"\r\n"  # a chunk, over and over: no end
    Sender(sock, [head(served.base, "POST", "/api/v1/clients", headers), *[endless] * 8])
    # The body has no end in sight: only a server that counts while it reads can answer.
    answer = read_answer(sock)
    assert answer.status == 413
    assert_too_large_problem(answer.body)


def test_a_small_chunked_api_body_is_read_whole(served: App) -> None:
    body = json.dumps({"name": "Chunked Client Ltd"}).encode()
    headers = api_headers(served, **{"Transfer-Encoding": "chunked", "Connection": "close"})
    sock = connect(served.base)
    Sender(sock, [head(served.base, "POST", "/api/v1/clients", headers), chunked(body, 7)])
    answer = read_answer(sock)
    assert answer.status == 201, answer.body
    assert json.loads(answer.body)["name"] == "Chunked Client Ltd"
