from tests.access import Row  # noqa: F401

ROWS: list = []
