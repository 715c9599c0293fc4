"""`invoicetron demo-data`: realistic billing data, fast, for demos and benchmarks.

Every figure is computed by `billing.money` exactly as the services compute it, numbers come from
the real series counters (moved past the generated numbers), and the rows are written with
PostgreSQL COPY in one transaction, so 100,000 invoices take about a minute.
"""
