"""Workflows as data: one declared transition table per workflow.

A workflow names its actions; each action has the states it may start from, the state it
leads to, who may take it (`allowed(user, obj)`, usually a composition of the role
predicates in `organisation/permissions.py`), an optional condition on the object
(`when(obj)`, e.g. "held needs a started meeting") and what it voids. Services call
`apply`, templates ask `available_actions` — nothing else compares statuses, so the
table is the one place a newcomer changes when a step is added.

`apply` moves the state with a conditional UPDATE (`filter(pk=…, status__in=sources)`):
of two people acting at once one wins and the other gets a `Conflict` carrying the
row as it is now, instead of a second, contradicting state change.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import rules
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

from .errors import Conflict, ServiceError

Predicate = Callable[[Any, Any], bool]
_REGISTRY: dict[str, Workflow] = {}


def _never(user: Any, obj: Any) -> bool:
    return False


def _test(predicate: Predicate, user: Any, obj: Any) -> bool:
    # A rules predicate adapts to how many arguments it takes; a plain callable gets both.
    if isinstance(predicate, rules.Predicate):
        return bool(predicate.test(user, obj))
    return bool(predicate(user, obj))


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    # None: the action keeps the state (edit, comment, sign) but is still bound to `sources`.
    target: str | None
    # Who may take the action; refusing is the safe default for a forgotten predicate.
    allowed: Predicate = _never
    # What the action makes invalid (e.g. "approval", "signatures"); the service voids them.
    voids: tuple[str, ...] = ()
    # A condition on the object itself, not on the person (e.g. the meeting has started).
    when: Callable[[Any], bool] | None = None
    # The message when `when` says no; shown to the user.
    refusal: str = ""
    label: Any = ""

    def __post_init__(self) -> None:
        if isinstance(self.sources, str):  # a lone state is a common slip: ("draft") is a str
            object.__setattr__(self, "sources", (self.sources,))
        object.__setattr__(self, "sources", tuple(str(s) for s in self.sources))
        if self.target is not None:
            object.__setattr__(self, "target", str(self.target))


@dataclass
class Workflow:
    name: str
    transitions: list[Transition]
    field: str = "status"
    by_action: dict[str, Transition] = dataclasses.field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.by_action = {}
        for transition in self.transitions:
            if transition.action in self.by_action:
                raise ValueError(f"workflow {self.name}: action {transition.action!r} declared twice")
            self.by_action[transition.action] = transition
        _REGISTRY[self.name] = self

    # --- Reading the table -----------------------------------------------------------------

    @property
    def actions(self) -> list[str]:
        return [t.action for t in self.transitions]

    @property
    def states(self) -> list[str]:
        seen: dict[str, None] = {}
        for transition in self.transitions:
            for state in (*transition.sources, transition.target):
                if state is not None:
                    seen.setdefault(state, None)
        return list(seen)

    def transition(self, action: str) -> Transition:
        try:
            return self.by_action[action]
        except KeyError:
            raise ServiceError(_("This step does not exist."), code="unknown_action") from None

    def state_of(self, obj: Any) -> str:
        return str(getattr(obj, self.field))

    def is_available(self, user: Any, obj: Any, action: str) -> bool:
        """From this state, by this person, with the object as it is."""
        transition = self.by_action.get(action)
        if transition is None or self.state_of(obj) not in transition.sources:
            return False
        if not _test(transition.allowed, user, obj):
            return False
        return transition.when is None or bool(transition.when(obj))

    def predicate(self, action: str) -> rules.Predicate:
        """The action as a rules predicate, so `rules.add_perm` and `user.has_perm` ask the
        table rather than a second copy of it."""
        self.transition(action)  # a typo fails at import, not as a silent "no"
        return rules.Predicate(
            lambda user, obj: obj is not None and self.is_available(user, obj, action), name=f"{self.name}.{action}"
        )

    def available_actions(self, user: Any, obj: Any) -> list[str]:
        """The actions this person may take on this object now, in the table's order."""
        return [t.action for t in self.transitions if self.is_available(user, obj, t.action)]

    def sources_allowing(self, *actions: str) -> tuple[str, ...]:
        """The states from which any of these actions start (for querysets and guards)."""
        found: dict[str, None] = {}
        for action in actions:
            for state in self.transition(action).sources:
                found.setdefault(state, None)
        return tuple(found)

    # --- Acting -------------------------------------------------------------------------------

    def check(self, obj: Any, action: str, user: Any) -> Transition:
        """Refuse as `apply` would, without writing: ServiceError for the wrong state or a
        failed condition, PermissionDenied for the wrong person."""
        transition = self.transition(action)
        if self.state_of(obj) not in transition.sources:
            raise ServiceError(
                _("This step is not possible now: it is %(state)s.") % {"state": _state_label(obj, self.field)},
                code="not_available",
            )
        if not _test(transition.allowed, user, obj):
            raise PermissionDenied(f"{self.name}.{action}")
        if transition.when is not None and not transition.when(obj):
            raise ServiceError(transition.refusal or _("This step is not possible now."), code="condition")
        return transition

    def apply(self, obj: models.Model, action: str, user: Any, **changes: Any) -> models.Model:
        """Take the action: check, then move the state and write `changes` in one
        conditional UPDATE. Call inside the service's transaction; on a lost race raise
        `Conflict` with the row as it is now. Returns `obj`, updated in memory."""
        transition = self.check(obj, action, user)
        manager = type(obj)._default_manager
        # A self-loop still writes the state (to itself): the UPDATE is the from-state check.
        target = transition.target if transition.target is not None else models.F(self.field)
        updated = manager.filter(pk=obj.pk, **{f"{self.field}__in": transition.sources}).update(
            **{self.field: target}, **changes
        )
        if not updated:
            current = manager.filter(pk=obj.pk).first()
            raise Conflict(
                _("Someone else changed it first: it is now %(state)s.")
                % {"state": _state_label(current, self.field) if current is not None else _("deleted")},
                current=current,
            )
        if transition.target is not None:
            setattr(obj, self.field, transition.target)
        for name, value in changes.items():
            if not hasattr(value, "resolve_expression"):
                setattr(obj, name, value)
        return obj


def _state_label(obj: Any, field_name: str) -> str:
    display = getattr(obj, f"get_{field_name}_display", None)
    return str(display()) if callable(display) else str(getattr(obj, field_name))


def get_workflow(name: str) -> Workflow:
    """The workflow declared under this name (each app's `workflows.py`)."""
    if name not in _REGISTRY:
        autodiscover_modules("workflows")
    try:
        return _REGISTRY[name]
    except KeyError:
        raise LookupError(f"no workflow named {name!r}") from None


def registered_workflows() -> Iterable[Workflow]:
    autodiscover_modules("workflows")
    return list(_REGISTRY.values())
