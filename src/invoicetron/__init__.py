"""Invoicetron: self-hosted invoicing."""
