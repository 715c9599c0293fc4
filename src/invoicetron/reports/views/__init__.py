"""Pages of the reports app: the dashboard, the reports, and CSV export and import."""
