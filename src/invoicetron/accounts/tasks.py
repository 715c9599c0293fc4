"""Account jobs, found by procrastinate's autodiscovery of `tasks` modules (each job lives
beside the code it runs)."""

from __future__ import annotations

from invoicetron.accounts.password_reset import send_password_reset

__all__ = ["send_password_reset"]
