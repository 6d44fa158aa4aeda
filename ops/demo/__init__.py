"""Demo content for a fresh node: a second lab, method cards, events, ideas and experience reports, via the services.

The content lives in ``content/*.yaml``; ``seed`` reads it and writes it. It is fictional:
addresses use invented streets and the postcode 12345, links point to example.org, and nobody
named there exists. Texts are German because the network's labs are.
"""

from ops.demo.seed import (
    DEMO_LAB_SLUG,
    DemoContentError,
    DemoReport,
    demo_network_reports,
    demo_present,
    demo_seed,
)

__all__ = ["DEMO_LAB_SLUG", "DemoContentError", "DemoReport", "demo_network_reports", "demo_present", "demo_seed"]
