"""`invoicetron k8s`: the Kubernetes migration runbook as commands.

Layout: `kubectl.py` is the only code that runs kubectl; `database.py` and `compare.py` work on
plain PostgreSQL URLs with the PostgreSQL 18 client tools; the other modules are decisions over data
(plans, checks, lint rules) that the commands in `cli.py` feed and print.
"""
