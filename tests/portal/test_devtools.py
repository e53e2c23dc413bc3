"""The benchmark floors and the scale generator are development tools (devtools/): installed
only with DEBUG or SAMSPIL_DEVTOOLS=1, so production has neither the URLs nor the command."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.core.management import get_commands
from django.urls import Resolver404, resolve
try:
    resolve("/bench-floor/table/")
    floors = True
except Resolver404:
    floors = False
print(json.dumps({
    "installed": "devtools" in settings.INSTALLED_APPS,
    "floors": floors,
    "scale_data": get_commands().get("scale_data"),
}))
"""


def probe(**env: str) -> dict:
    environment = {
        key: value for key, value in os.environ.items() if key not in ("DEBUG", "SAMSPIL_DEVTOOLS", "SECRET_KEY")
    }
    environment.update({"DJANGO_SETTINGS_MODULE": "samspil.settings", "PYTHONPATH": str(ROOT), **env})
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_has_no_benchmark_floors_and_no_scale_generator():
    assert probe() == {"installed": False, "floors": False, "scale_data": None}


@pytest.mark.parametrize("env", [{"DEBUG": "1"}, {"SAMSPIL_DEVTOOLS": "1"}])
def test_development_and_the_benchmark_get_them(env):
    assert probe(**env) == {"installed": True, "floors": True, "scale_data": "devtools"}


def test_bench_run_turns_the_devtools_on():
    assert "SAMSPIL_DEVTOOLS=1" in (ROOT / "bench" / "run").read_text()
    # And nothing of the benchmark is left in the product's apps.
    assert not (ROOT / "portal" / "bench_views.py").exists()
    assert not (ROOT / "portal" / "management" / "commands" / "scale_data.py").exists()
    assert not (ROOT / "coverage" / "management" / "commands" / "coverage_benchmark.py").exists()
