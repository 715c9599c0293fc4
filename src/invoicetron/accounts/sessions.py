"""Sessions in the database, each process reusing the ones it read for a few seconds.

settings.SESSION_ENGINE. Reading the session row was one of the few queries of every page (with
the user, which Django reads afresh on every request anyway). Django's `cached_db` keeps each
session in the cache for its whole age; with the per-process memory cache that would let a
session ended in one process (signing out, accounts.services.end_sessions) live on for days in
the others. Here a process keeps what it read for LOCAL_SECONDS at most, so:

- signing out, deactivation and `end_sessions` delete the row, and the process doing it drops
  its copy at once; another process may still accept a copy of the cookie for LOCAL_SECONDS;
- a password change or a new second factor ends the other sessions at once everywhere: those
  checks read the user, which is never kept (the session's password hash is compared with it);
- signed cookies were not chosen: a copy of one stays valid after signing out until it expires
  (SESSION_DAYS), and a deactivated user's cookie would work again after reactivation.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.core.cache.backends.base import BaseCache

LOCAL_SECONDS = 10


class SessionStore(cached_db.SessionStore):
    # Django's own attributes (cached_db's cache, the session's data), which django-stubs omit.
    _cache: BaseCache
    _session: dict[str, Any]

    def load(self) -> dict[str, Any]:
        data: dict[str, Any] | None = self._cache.get(self.cache_key)
        if data is not None:
            return data
        # Django's db backend's reader (unexpired rows only), which django-stubs omit.
        row = self._get_session_from_db()  # type: ignore[attr-defined]
        if row is None:
            return {}
        data = self.decode(row.session_data)
        self._keep(data, self.get_expiry_age(expiry=row.expire_date))
        return data

    def save(self, must_create: bool = False) -> None:
        DatabaseStore.save(self, must_create)  # not cached_db's, which keeps it for its whole age
        self._keep(self._session, self.get_expiry_age())

    def _keep(self, data: dict[str, Any], age: int) -> None:
        self._cache.set(self.cache_key, data, min(LOCAL_SECONDS, age))
