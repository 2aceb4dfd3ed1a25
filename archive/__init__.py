"""The SQLite archive with provenance, and its publication (Datasette, CSV)."""
