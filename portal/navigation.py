"""The main menu: each app registers the items it brings; each role sees what it can use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise

from organisation.roles import RoleSet


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    order: int
    visible: Callable[[RoleSet], bool]
    icon: str = ""


_items: list[NavItem] = []


def register(label, url_name: str, *, order: int, visible=lambda roles: True, icon: str = "") -> None:
    if not any(item.url_name == url_name for item in _items):
        _items.append(NavItem(label, url_name, order, visible, icon))
        _items.sort(key=lambda item: item.order)


def items_for(roles: RoleSet, current_path: str) -> list[dict]:
    result = [
        {"label": item.label, "url": reverse(item.url_name), "active": False, "icon": item.icon}
        for item in _items
        if item.visible(roles)
    ]
    # The most specific match is the current item: /moeder/besoeg/ is "Book a visit", not "Meetings".
    matches = [
        entry
        for entry in result
        if (current_path == entry["url"] if entry["url"] == "/" else current_path.startswith(entry["url"]))
    ]
    if matches:
        max(matches, key=lambda entry: len(entry["url"]))["active"] = True
    return result
