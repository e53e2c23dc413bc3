"""Peak memory of reading an import file (README, "Import limits"; issue 14, point 5).

    python bench/import_memory.py            # both figures, as in the README
    python bench/import_memory.py --read F   # one child measurement (JSON on stdout)

Each file is read by `organisation.importer.read_rows` in a fresh child process, so the
figure is that process's own peak resident set (VmHWM), Django included, and nothing
the parent did to build the file counts. The child runs under an address-space limit
(`--limit-mb`, 2048 by default): a reader that pads rows to a hostile declared width
fails with MemoryError there instead of taking the machine.
tests/security/test_import_hostile_insider.py runs the same child.
"""

from __future__ import annotations

import io
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def honest_xlsx(rows: int) -> bytes:
    """A people sheet as a municipality exports it: 7 columns, one row per person and role."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["E-mail", "Fulde navn", "Stilling", "Rolle", "Virksomhed", "Startdato", "Slutdato"])
    for n in range(rows):
        sheet.append(
            [
                f"person{n}@kommune.example",
                f"Person Nummer {n}",
                "Pædagog",
                "medarbejder",
                f"Skole {n % 2000}",
                "2026-01-01",
                "",
            ]
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def hostile_xlsx(rows: int = 10_000, dimension: str = "A1:XFD1048576") -> bytes:
    """A small honest-looking sheet whose <dimension> claims the whole grid (issue 14, point 5)."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["navn", "type"])
    for n in range(rows):
        workbook.active.append([f"Skole {n}", "skole"])
    plain = io.BytesIO()
    workbook.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*" ?/>', f'<dimension ref="{dimension}"/>'.encode(), data)
            target.writestr(info.filename, data)
    return out.getvalue()


def measure(path: Path, *, limit_mb: int = 2048, timeout: float = 300) -> dict:
    """Read `path` in a child process; {"peak_mb", "baseline_mb", "seconds", "rows" | "refused" | "error"}."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.setdefault("DJANGO_SETTINGS_MODULE", "samspil.settings")
    completed = subprocess.run(  # noqa: S603 - our own interpreter and script, a path we wrote
        [sys.executable, str(Path(__file__).resolve()), "--read", str(path), "--limit-mb", str(limit_mb)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=timeout,
    )
    lines = completed.stdout.strip().splitlines()
    if completed.returncode != 0 or not lines:
        return {"error": (completed.stderr or completed.stdout)[-2000:], "returncode": completed.returncode}
    return json.loads(lines[-1])


def _peak_mb() -> float:
    """This process's own peak resident set. VmHWM belongs to the process's address space,
    which execve makes anew; ru_maxrss is carried over from the parent through fork and exec
    (a 370 MB pytest made every child start at 370 MB)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(path: str, limit_mb: int) -> None:
    import django

    django.setup()
    from organisation import importer

    baseline = _peak_mb()
    limit = limit_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    data = Path(path).read_bytes()
    started = time.monotonic()
    result: dict = {}
    try:
        result["rows"] = len(importer.read_rows(data, Path(path).name))
    except importer.ImportFileError as exc:
        result["refused"] = str(exc)
    except MemoryError:
        result["error"] = "MemoryError"
    result["seconds"] = round(time.monotonic() - started, 2)
    result["baseline_mb"] = round(baseline, 1)
    result["peak_mb"] = round(_peak_mb(), 1)
    print(json.dumps(result))


def main() -> None:
    if "--read" in sys.argv:
        limit = int(sys.argv[sys.argv.index("--limit-mb") + 1]) if "--limit-mb" in sys.argv else 2048
        _child(sys.argv[sys.argv.index("--read") + 1], limit)
        return
    with tempfile.TemporaryDirectory() as tmp:
        for name, data in (("hostile.xlsx", hostile_xlsx()), ("honest-100000.xlsx", honest_xlsx(100_000))):
            path = Path(tmp, name)
            path.write_bytes(data)
            print(name, f"{len(data) / 1024:.1f} KB", json.dumps(measure(path)))


if __name__ == "__main__":
    main()
