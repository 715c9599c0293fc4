"""`make bench`: Invoicetron measured on 100,000 invoices (see bench/run.py)."""
