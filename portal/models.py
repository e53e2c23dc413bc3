"""The portal has no tables of its own. This module makes Django send the portal its
pre_migrate and post_migrate signals, which switch the start page figures' triggers
off and on (portal/freshness.py)."""
