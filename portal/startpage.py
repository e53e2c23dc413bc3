"""What a person sees on their start page under "what needs me next".

Each app registers a function `(user, roles) -> list[NextStep]`; the start page shows
them by priority. Every function must run a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from organisation.roles import RoleSet

from . import navigation


@dataclass(frozen=True)
class NextStep:
    text: str
    url: str
    priority: int = 50  # lower comes first
    icon: str = "arrow-right-circle"


Provider = Callable[[object, RoleSet], list[NextStep]]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def next_steps(user, roles: RoleSet) -> list[NextStep]:
    steps = [step for provider in _providers for step in provider(user, roles)]
    return sorted(steps, key=lambda step: step.priority)


@register
def _organisation_steps(user, roles: RoleSet) -> list[NextStep]:
    from organisation.models import ImportJob, Workplace

    steps = []
    if roles.led_workplace_ids:
        missing = (
            Workplace.objects.filter(pk__in=roles.led_workplace_ids)
            .filter(Q(description="") | Q(address=""))
            .only("name", "slug")
        )
        for workplace in missing:
            steps.append(
                NextStep(
                    _("Complete the profile of %(name)s so politicians know the place.") % {"name": workplace.name},
                    reverse("organisation:workplace_edit", args=[workplace.slug]),
                    30,
                    "building",
                )
            )
    if roles.is_administrator:
        from .figures import administrator_counts

        # A count over every person (≈ 10 ms at 60,000): from the cache until a person or
        # an invitation changes (portal/figures.py).
        never_invited = administrator_counts(user)["never_invited"]
        if never_invited:
            steps.append(
                NextStep(
                    ngettext(
                        "%(n)s person has no account yet: send an invitation.",
                        "%(n)s people have no account yet: send invitations.",
                        never_invited,
                    )
                    % {"n": never_invited},
                    reverse("accounts:invitations"),
                    40,
                    "envelope",
                )
            )
        failed = ImportJob.objects.filter(created_by=user).only("pk", "status", "original_name").first()
        if failed and failed.status == ImportJob.Status.FAILED:
            steps.append(
                NextStep(
                    _("Your import of “%(name)s” was not imported: see the errors.") % {"name": failed.original_name},
                    reverse("organisation:import_job", args=[failed.pk]),
                    20,
                    "exclamation-triangle",
                )
            )
    return steps


navigation.register(_("Start"), "portal:home", order=0, icon="house")
navigation.register(_("Committees"), "organisation:committees", order=60, icon="people")
navigation.register(_("Workplaces"), "organisation:workplaces", order=70, icon="building")
navigation.register(
    _("Administration"),
    "portal:administration",
    order=100,
    icon="gear",
    visible=lambda roles: roles.is_administrator,
)
