from tests.access import Row  # noqa: F401

# The audit trail is read in the Django admin (per object: History), not on portal URLs.
ROWS: list = []
