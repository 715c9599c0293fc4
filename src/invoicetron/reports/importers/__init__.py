"""CSV importers: clients, products and invoices (see runner.run_import)."""
