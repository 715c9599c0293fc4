"""Account jobs, found by procrastinate's autodiscovery of `tasks` modules."""

from __future__ import annotations

from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from invoicetron.accounts.password_reset import send_reset_email


# The job holds only the user's id: the link is made when the email is sent, never stored.
@app.task(
    name="accounts.send_password_reset",
    retry=RetryStrategy(max_attempts=4, exponential_wait=5),  # about 25 s, 2 min, 10 min
)
def send_password_reset(user_id: int) -> None:
    send_reset_email(user_id)
