"""Collab: cross-department tickets with business-hours SLA, escalation, meetings, retros."""
