import pytest


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploaded pictures go to a fresh directory per test."""
    settings.MEDIA_ROOT = tmp_path / "media"
