"""Email jobs, found by procrastinate's autodiscovery of `tasks` modules."""

from __future__ import annotations

from procrastinate.contrib.django import app

from invoicetron.messaging.delivery import deliver


@app.task(name="messaging.send_delivery")
def send_delivery(delivery_id: int) -> None:
    deliver(delivery_id)
