"""Running a node: health, readiness, metrics, demo content, the demo network, runnode."""
