"""The automation pages: recurring invoices, and the owner's reminder and webhook settings."""
