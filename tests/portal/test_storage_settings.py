"""Uploaded files: the file system by default, an S3-compatible bucket when STORAGE_S3_BUCKET
is set (settings.py, README "Running on several hosts"). Settings are read at start-up, so
each case starts a fresh interpreter with its own environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.core.files.storage import default_storage
default_storage.exists  # evaluates the lazy object
storage = default_storage._wrapped
info = {"config": settings.STORAGES["default"], "class": type(storage).__module__ + "." + type(storage).__name__}
if info["class"].startswith("storages."):
    info["bucket"] = storage.bucket_name
    info["endpoint"] = storage.endpoint_url
    info["region"] = storage.region_name
    info["location"] = storage.location
    info["overwrite"] = storage.file_overwrite
    info["acl"] = storage.default_acl
print(json.dumps(info))
"""


def storage_with(**variables: str) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("STORAGE_S3_")}
    env.update(DJANGO_SETTINGS_MODULE="samspil.settings", **variables)
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_uploaded_files_go_to_the_file_system_by_default():
    info = storage_with()
    assert info["config"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert info["class"] == "django.core.files.storage.filesystem.FileSystemStorage"


def test_a_bucket_switches_uploaded_files_to_s3_compatible_storage_with_its_endpoint_region_and_keys():
    info = storage_with(
        STORAGE_S3_BUCKET="samspil-media",
        STORAGE_S3_ENDPOINT_URL="https://s3.example.dk",
        STORAGE_S3_REGION="eu-north-1",
        STORAGE_S3_ACCESS_KEY_ID="key-id",
        STORAGE_S3_SECRET_ACCESS_KEY="secret",
    )
    assert info["config"]["BACKEND"] == "storages.backends.s3.S3Storage"
    options = info["config"]["OPTIONS"]
    assert options["access_key"] == "key-id" and options["secret_key"] == "secret"
    assert info["class"] == "storages.backends.s3.S3Storage"
    assert (info["bucket"], info["endpoint"], info["region"]) == (
        "samspil-media",
        "https://s3.example.dk",
        "eu-north-1",
    )
    # Private objects under a prefix, never overwritten by a later upload of the same name.
    assert (info["location"], info["overwrite"], info["acl"]) == ("media", False, None)


def test_without_endpoint_and_keys_the_bucket_is_amazon_s3_with_boto3s_own_credentials():
    info = storage_with(STORAGE_S3_BUCKET="samspil-media")
    options = info["config"]["OPTIONS"]
    assert options["endpoint_url"] is None and options["region_name"] is None
    assert options["access_key"] is None and options["secret_key"] is None
