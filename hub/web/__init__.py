"""The web interface's own parts: text rendering, catalog filters and counts, statistics, charts, forms."""
