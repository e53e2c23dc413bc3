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
    result = []
    for item in _items:
        if not item.visible(roles):
            continue
        url = reverse(item.url_name)
        active = current_path == url if url == "/" else current_path.startswith(url)
        result.append({"label": item.label, "url": url, "active": active, "icon": item.icon})
    return result
