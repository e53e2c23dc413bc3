"""The meetings app's three rooms stay apart (README, Design → Rooms).

One Django app (label `meetings`, one set of tables) holds three rooms: meetings (the top
level of meetings/), visits (meetings/visits/) and calendars (meetings/calendars/). This test
reads the import statements of every module of the app — also the ones inside functions —
and holds the rule the README states:

1. No module imports another at its bottom: every module-level import comes before the
   module's first other statement (no `from .models_calendar import …` after the classes).
2. A room's models import no other room: meetings/visits/models.py and
   meetings/calendars/models.py import nothing from the app; meetings/models.py imports only
   the other rooms' models modules (at its top: Django's way to split models).
3. Behaviour points one way. Any room may read any room's models (one app's tables). Beyond
   models: visits and calendars build on the meetings room (a booking makes a meeting, a
   calendar shows meetings); the meetings room uses no visits or calendars code except the
   visits room's reads (`visits.selectors`: the meeting page and "my meetings" show the
   reader's bookings); visits use of calendars only the event builder (`calendars.ics`: the
   confirmation carries the updated event); calendars use nothing of visits.
4. No room imports another room's views; only the app's URLconf (meetings/urls.py) adds the
   other rooms' URL patterns.
5. The app's shared modules (permissions, workflows, kinds) are open to every room; the
   wiring (apps, demo, navigation, personal_data, tasks, urls) is imported by no room.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "meetings"
ROOMS = ("visits", "calendars")
SHARED = {"meetings.permissions", "meetings.workflows", "meetings.kinds"}
WIRING = {
    "meetings.apps",
    "meetings.demo",
    "meetings.navigation",
    "meetings.personal_data",
    "meetings.tasks",
    "meetings.urls",
}
# Beyond models: which other room's modules a room may import.
ALLOWED = {
    "meetings": {"meetings.visits.selectors"},
    "visits": {"meetings.services", "meetings.selectors", "meetings.forms", "meetings.calendars.ics"},
    "calendars": {"meetings.services", "meetings.selectors", "meetings.forms"},
}


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(APP.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports(name: str, path: Path) -> list[tuple[str, int, bool]]:
    """(imported module, line, at module level) for each import of an app module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    top = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            # `from .visits import services` imports the module meetings.visits.services;
            # `from .models import Meeting` imports meetings.models (resolved below).
            found += [(f"{target}.{alias.name}", node.lineno, id(node) in top) for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [(alias.name, node.lineno, id(node) in top) for alias in node.names]
    known = modules()
    resolved = []
    for target, line, at_top in found:
        if not target.startswith("meetings"):
            continue
        # `from .visits import services` names the module meetings.visits.services;
        # `from .models import Meeting` names meetings.models.
        while target not in known and "." in target:
            target = target.rpartition(".")[0]
        resolved.append((target, line, at_top))
    return resolved


def room_of(name: str) -> str:
    parts = name.split(".")
    if len(parts) > 2 and parts[1] in ROOMS:
        return parts[1]
    if name in SHARED or name in WIRING or name == "meetings":
        return "app"
    return "meetings"


def is_models(name: str) -> bool:
    return name.endswith(".models") and name.count(".") <= 2


def test_the_three_rooms_have_their_modules():
    names = modules()
    for room in ("meetings", "meetings.visits", "meetings.calendars"):
        for part in ("models", "services", "selectors", "views", "urls", "forms"):
            assert f"{room}.{part}" in names, f"{room} has no {part}.py"


@pytest.mark.parametrize("name", sorted(modules()))
def test_no_module_imports_at_its_bottom(name):
    path = modules()[name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    body = list(tree.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring
    seen_other = None
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            assert seen_other is None, (
                f"{path.relative_to(ROOT)}:{node.lineno} imports after line {seen_other}: "
                "put imports at the top of the module"
            )
        else:
            seen_other = seen_other or node.lineno


@pytest.mark.parametrize("name", sorted(modules()))
def test_rooms_import_each_other_only_along_the_rule(name):
    room = room_of(name)
    path = modules()[name]
    wrong = []
    for target, line, at_top in imports(name, path):
        where = f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}:{line} imports {target}"
        if target == name:
            continue
        if is_models(name):
            own_rooms = {f"meetings.{r}.models" for r in ROOMS}
            if name == "meetings.models" and target in own_rooms and at_top:
                continue
            wrong.append(f"{where}: a models module imports no other module of the app")
            continue
        if room == "app":
            continue  # the wiring and the shared vocabulary see every room
        if target in WIRING:
            wrong.append(f"{where}: rooms do not import the app's wiring")
            continue
        target_room = room_of(target)
        if target_room in (room, "app") or is_models(target):
            continue
        if target.endswith(".views"):
            wrong.append(f"{where}: a room never imports another room's views")
        elif target not in ALLOWED[room]:
            wrong.append(f"{where}: the {room} room may not use {target}")
    assert wrong == []


def test_the_checker_sees_what_it_forbids(tmp_path, monkeypatch):
    """The rule is not vacuous: an import at the bottom, a models module reaching into
    another room, the meetings room calling the calendars room are all caught."""
    assert room_of("meetings.visits.services") == "visits"
    assert room_of("meetings.calendars.ics") == "calendars"
    assert room_of("meetings.services") == "meetings"
    assert room_of("meetings.permissions") == "app"
    assert is_models("meetings.visits.models") and is_models("meetings.models")
    assert not is_models("meetings.visits.services")
    fake = tmp_path / "services.py"
    fake.write_text(
        "from .calendars.invitations import calendar_mail_for\n\ndef f():\n    from .visits import services\n"
    )
    monkeypatch.setattr("tests.meetings.test_rooms.modules", lambda: {**_real_modules(), "meetings.services": fake})
    targets = {target for target, _line, _top in imports("meetings.services", fake)}
    assert targets == {"meetings.calendars.invitations", "meetings.visits.services"}
    with pytest.raises(AssertionError, match=r"the meetings room may not use meetings\.calendars\.invitations"):
        test_rooms_import_each_other_only_along_the_rule("meetings.services")


_real_modules = modules
