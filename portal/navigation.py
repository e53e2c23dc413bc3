"""The main menu: each app registers the items it brings; each role sees what it can use.

Every page shows the menu: the items a set of roles sees, with their URLs reversed, are
worked out once per process (per script prefix, URLconf and language: the labels are
translated once too) and kept; a request only asks which items its roles see and marks
the current one. Cleared when an item is registered and when a test changes a setting
(Django's setting_changed).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.signals import setting_changed
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.translation import get_language

from organisation.roles import RoleSet


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    order: int
    visible: Callable[[RoleSet], bool]
    icon: str = ""


_items: list[NavItem] = []
# (script prefix, URLconf, language, which items are visible) → the menu's (label, url,
# icon) entries. One per language and combination of visible items the roles produce.
_menus: dict[tuple, tuple[tuple[str, str, str], ...]] = {}


def register(label, url_name: str, *, order: int, visible=lambda roles: True, icon: str = "") -> None:
    if not any(item.url_name == url_name for item in _items):
        _items.append(NavItem(label, url_name, order, visible, icon))
        _items.sort(key=lambda item: item.order)
        _menus.clear()


def _forget(**kwargs) -> None:
    _menus.clear()


setting_changed.connect(_forget, dispatch_uid="portal-navigation-menus")


def items_for(roles: RoleSet, current_path: str) -> list[dict]:
    shown = tuple(bool(item.visible(roles)) for item in _items)
    key = (get_script_prefix(), get_urlconf(), get_language(), shown)
    menu = _menus.get(key)
    if menu is None:
        menu = _menus[key] = tuple(
            (str(item.label), reverse(item.url_name), item.icon)
            for item, visible in zip(_items, shown, strict=True)
            if visible
        )
    result = [{"label": label, "url": url, "active": False, "icon": icon} for label, url, icon in menu]
    # The most specific match is the current item: /moeder/besoeg/ is "Book a visit", not "Meetings".
    matches = [
        entry
        for entry in result
        if (current_path == entry["url"] if entry["url"] == "/" else current_path.startswith(entry["url"]))
    ]
    if matches:
        max(matches, key=lambda entry: len(entry["url"]))["active"] = True
    return result
