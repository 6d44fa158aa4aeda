"""The fediverse face: each public lab as an ActivityPub actor, its public events and method cards in its outbox.

Followers on Mastodon, Mobilizon, Gancio and the like follow a lab (``@slug@host``); the lab answers
their signed ``Follow`` with a signed ``Accept`` and delivers its new, changed, cancelled and deleted
public events to them. Only public items of public labs leave through this face; see docs/fediverse.md.
"""
