"""Email jobs, found by procrastinate's autodiscovery of `tasks` modules (the job itself lives
beside the code it runs, in delivery.py, which queues its own retries)."""

from __future__ import annotations

from invoicetron.messaging.delivery import send_delivery

__all__ = ["send_delivery"]
