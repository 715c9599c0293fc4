"""Test support shipped with the package: the pytest plugin that provides PostgreSQL 18."""
