"""Pages of an initiative's adoption and customer metrics, and the import wizard."""
