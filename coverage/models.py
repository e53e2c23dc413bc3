"""Coverage keeps no figures of its own: every number is computed from meetings.

The monthly digest's emails are rows of the one outbox (outbox.Email, family
"coverage.digest", coverage/services.py), one per recipient, month and topic.
"""
