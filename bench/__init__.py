"""Benchmarks that start real nodes on loopback and print their figures: ``python -m bench [--quick]``.

See docs/benchmarks.md for what each one measures, the targets and the latest figures.
"""
