"""Billing pages, one module per resource. Views stay small: forms validate, services act."""
