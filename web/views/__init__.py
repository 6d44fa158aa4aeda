"""The page views, one module per area."""
