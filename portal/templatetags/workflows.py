"""Buttons from the transition table: `{% load workflows %}`
`{% available_actions "agreement" agreement as actions %}` then `{% if "approve" in actions %}`.

Templates ask which actions the signed-in person may take on the object now, so no
template compares a status; the table in the app's workflows.py is the one rule.
"""

from __future__ import annotations

from typing import Any

from django import template

from samspil.workflow import get_workflow

register = template.Library()


@register.simple_tag(takes_context=True)
def available_actions(context: template.Context, workflow_name: str, obj: Any) -> list[str]:
    if obj is None:
        return []
    user = context.get("user") or getattr(context.get("request"), "user", None)
    return get_workflow(workflow_name).available_actions(user, obj)
