"""Background jobs: the infrastructure below messaging, automation and reports.

- `jobs.queue`: `defer(task, delay_seconds=0, **arguments)` and `defer_once(task, lock, …)` queue
  a job in the caller's transaction (it exists only if that transaction commits).
- `jobs.retries`: one network delivery attempt (claim, send, record) with backoff, giving up,
  and a structured log line per attempt: emails and webhooks both use it.

The task registry is procrastinate's Django app: an app declares a job with
`@procrastinate.contrib.django.app.task(name="<app>.<verb>")` and imports it from its `tasks`
module, which the worker finds by autodiscovery (`invoicetron worker`, automation/worker.py).
The queued jobs are procrastinate's own tables (`procrastinate_jobs`); this package owns no
model, so nothing here has a migration.
"""
