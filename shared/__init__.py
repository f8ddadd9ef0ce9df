"""Spearhead's common kit: settings, database, events, outbox/inbox, buses, auth, errors, logs.

It holds no domain knowledge; every service builds on it the same way.
"""
