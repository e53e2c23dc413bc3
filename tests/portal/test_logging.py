"""Structured logs: LOG_FORMAT=json writes one JSON object per line with the request id."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from samspil.logformat import JsonFormatter


class Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


@pytest.mark.django_db
def test_a_log_line_written_during_a_request_carries_its_request_id(org, client_for):
    handler = Collect()
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        response = client_for(org.member).get("/no-such-page/", headers={"X-Request-ID": "req-hardening-42"})
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 404
    entry = json.loads(handler.lines[-1])
    assert entry["request_id"] == "req-hardening-42"
    assert entry["level"] == "WARNING" and entry["logger"] == "django.request"
    assert "/no-such-page/" in entry["message"]
    assert entry["timestamp"].endswith("+00:00")


def test_outside_a_request_the_request_id_is_null_and_exceptions_are_kept():
    try:
        raise ValueError("æøå broke")
    except ValueError:
        record = logging.getLogger("x").makeRecord(
            "x", logging.ERROR, __file__, 1, "failed %s", ("job",), sys.exc_info()
        )
    entry = json.loads(JsonFormatter().format(record))
    assert entry["request_id"] is None and entry["message"] == "failed job"
    assert "ValueError: æøå broke" in entry["exception"]


def test_log_format_json_switches_the_console_handler_and_plain_stays_the_default():
    code = "import django, logging; django.setup(); logging.getLogger('samspil.check').warning('hello %s', 'world')"
    root = Path(__file__).resolve().parents[2]
    outputs = {}
    for fmt in ("json", "plain"):
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "samspil.settings", "LOG_FORMAT": fmt}
        result = subprocess.run(  # nosec B603
            [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, timeout=60, check=True
        )
        outputs[fmt] = result.stderr.strip().splitlines()[-1]
    entry = json.loads(outputs["json"])
    assert entry["message"] == "hello world" and entry["logger"] == "samspil.check" and entry["level"] == "WARNING"
    assert outputs["plain"].endswith("WARNING samspil.check hello world")
