"""A person's name where it belongs: `{% load people %}` `{{ person|current_name }}` is
empty for an erased person, so current pages say nothing rather than "Slettet person";
`{{ person|current_name:history }}` keeps the name where history needs it (locked minutes)."""

from __future__ import annotations

from django import template

from accounts.privacy import erased

register = template.Library()


@register.filter
def current_name(person, history: bool = False) -> str:
    if person is None or (erased(person) and not history):
        return ""
    return str(person)
