"""Billing: business profile, clients, products, taxes, invoices, credit notes, payments, PDFs."""
