"""Publishing the archive: Datasette with its metadata and plugin, and CSV exports."""
