"""Views never write the ORM themselves: every write goes through a service, which takes
plain values and says no with samspil.errors. This walks the syntax tree of every app's
views so a `.save()` slipped into a view fails here, not in review."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
WRITES = {"save", "delete", "create", "update", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}
# Receivers that are not the ORM, by file: each one named, with why.
NOT_ORM = {
    ("coverage/views.py", "workbook.save"),  # openpyxl writes the XLSX export to a buffer
}


def view_files() -> list[Path]:
    files = []
    for app in settings.SAMSPIL_APPS:
        folder = ROOT / app
        # A room's views in a subpackage (meetings/visits/views.py) count as the app's.
        files += sorted(
            p
            for p in folder.rglob("*.py")
            if (p.name == "views.py" or p.name.endswith("_views.py")) and "migrations" not in p.parts
        )
    return files


def writes_in(source: str, filename: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WRITES:
            receiver = ast.unparse(node.func)
            if (filename, receiver) not in NOT_ORM:
                found.append(f"{filename}:{node.lineno} {receiver}(…)")
    return found


def test_the_checker_sees_each_kind_of_write():
    sample = (
        "def v(request):\n"
        "    form.save()\n"
        "    Story.objects.create(title='x')\n"
        "    Meeting.objects.filter(pk=1).update(status='held')\n"
        "    item.delete()\n"
        "    workbook.save(out)\n"
    )
    assert [line.split(" ", 1)[1] for line in writes_in(sample, "x/views.py")] == [
        "form.save(…)",
        "Story.objects.create(…)",
        "Meeting.objects.filter(pk=1).update(…)",
        "item.delete(…)",
        "workbook.save(…)",
    ]
    assert writes_in("workbook.save(out)\n", "coverage/views.py") == []


def test_no_view_writes_the_orm():
    files = view_files()
    assert len(files) >= len(settings.SAMSPIL_APPS) - 1  # every app with pages is looked at
    found = []
    for path in files:
        found += writes_in(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert found == []
