"""Registration for events on this node: seats, the waiting list, double opt-in, check-in and erasure.

Personal data of registrants stays on this node: no codec, feed, bundle or log line carries it.
"""
