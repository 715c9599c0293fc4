"""A small load generator in threads: each request's status, start and end times."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Outcome:
    name: str
    status: int  # 0: no HTTP answer (refused, reset)
    started: float
    ended: float

    @property
    def seconds(self) -> float:
        return self.ended - self.started


@dataclass(frozen=True)
class Call:
    name: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, object] | None = None


def send(call: Call, timeout: float = 20) -> Outcome:
    data = json.dumps(call.body).encode() if call.body is not None else None
    headers = dict(call.headers, **({"Content-Type": "application/json"} if data else {}))
    request = urllib.request.Request(call.url, data=data, headers=headers)
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
            status = int(response.status)
    except urllib.error.HTTPError as error:
        status = int(error.code)
    except OSError:
        status = 0
    return Outcome(call.name, status, started, time.monotonic())


class Load:
    """`threads` threads sending `calls` round-robin until stopped (bounded by `limit` seconds)."""

    def __init__(self, calls: list[Call], threads: int = 4, limit: float = 60) -> None:
        self.calls, self.limit = calls, limit
        self.outcomes: list[Outcome] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run, args=(i,)) for i in range(threads)]

    def _run(self, offset: int) -> None:
        deadline = time.monotonic() + self.limit
        index = offset
        while not self._stop.is_set() and time.monotonic() < deadline:
            outcome = send(self.calls[index % len(self.calls)])
            index += 1
            with self._lock:
                self.outcomes.append(outcome)

    def __enter__(self) -> Load:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def since(self, moment: float) -> list[Outcome]:
        with self._lock:
            return [o for o in self.outcomes if o.started >= moment]
