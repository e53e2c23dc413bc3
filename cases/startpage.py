"""The "Committee cases" menu item and the start page's next steps for leaders, union
representatives and MED contacts, invited employees, chairs and the secretariat (a fixed number of queries per role group)."""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import navigation, startpage
from portal.startpage import NextStep
from samspil.jinja2 import row_url


def _concerned(roles) -> bool:
    return bool(
        roles.is_leadership
        or roles.committee_ids
        or roles.secretary_committee_ids
        or roles.staff_workplace_ids
        or roles.headed_centre_ids
    )


navigation.register(gettext_lazy("Committee cases"), "cases:list", order=45, icon="folder2-open", visible=_concerned)


def _date(day) -> str:
    return date_format(day, "j. F")


@startpage.register
def case_steps(user, roles) -> list[NextStep]:
    from .selectors import hearings_to_answer, invited_hearings, next_agenda_warnings, speaking_requests

    steps: list[NextStep] = []
    today = timezone.localdate()
    if roles.led_workplace_ids:
        for hearing in hearings_to_answer(roles.led_workplace_ids)[:5]:
            text = _("Answer the hearing on “%(title)s” for %(workplace)s by %(date)s.") % {
                "title": hearing.case.title,
                "workplace": hearing.workplace.name,
                "date": _date(hearing.deadline),
            }
            steps.append(
                NextStep(
                    text,
                    row_url("cases:hearing", hearing.pk),
                    12 if hearing.deadline < today else 18,
                    "chat-square-quote",
                )
            )
    # The union representative and the MED contact follow their workplace's hearings on the
    # case page (the leader answers; a person who also leads the workplace has the step above).
    voice = roles.staff_voice_workplace_ids - roles.led_workplace_ids
    if voice:
        for hearing in hearings_to_answer(voice)[:5]:
            steps.append(
                NextStep(
                    _("%(workplace)s is heard on “%(title)s” (deadline %(date)s): follow the case.")
                    % {
                        "workplace": hearing.workplace.name,
                        "title": hearing.case.title,
                        "date": _date(hearing.deadline),
                    },
                    row_url("cases:detail", hearing.case_id),
                    26,
                    "chat-square-quote",
                )
            )
    if roles.staff_workplace_ids:
        for hearing in invited_hearings(user)[:5]:
            steps.append(
                NextStep(
                    _("Add your input to the hearing answer on “%(title)s” by %(date)s.")
                    % {"title": hearing.case.title, "date": _date(hearing.deadline)},
                    row_url("cases:hearing", hearing.pk),
                    22,
                    "chat-square-text",
                )
            )
    if roles.chaired_committee_ids:
        for case in next_agenda_warnings(roles.chaired_committee_ids):
            steps.append(
                NextStep(
                    _("Next agenda (%(date)s): the hearing on “%(title)s” is not closed.")
                    % {"date": _date(timezone.localtime(case.meeting.starts_at).date()), "title": case.title},
                    row_url("cases:agenda", case.meeting_id),
                    10,
                    "exclamation-triangle",
                )
            )
        for hearing in speaking_requests(roles.chaired_committee_ids)[:5]:
            steps.append(
                NextStep(
                    _("%(workplace)s asks to speak on “%(title)s”: accept or decline.")
                    % {"workplace": hearing.workplace.name, "title": hearing.case.title},
                    row_url("cases:detail", hearing.case_id) + f"#hearing-{hearing.pk}",
                    20,
                    "megaphone",
                )
            )
    secretariat = roles.secretary_committee_ids
    if roles.is_administrator or secretariat:
        if roles.is_administrator:
            # Every committee's (≈ 6 ms at scale): read with the administrator's other
            # counts from the cache until a case, a hearing or a meeting's time changes
            # (portal/figures.py).
            from portal.figures import administrator_counts

            overdue = administrator_counts(user)["overdue_cases"]
        else:
            overdue = overdue_cases(today, secretariat)
        for pk, title in overdue:
            steps.append(
                NextStep(
                    _("A hearing on “%(title)s” is overdue.") % {"title": title},
                    row_url("cases:detail", pk),
                    24,
                    "hourglass-bottom",
                )
            )
    return steps


def overdue_cases(today, committee_ids=None):
    """(pk, title) of the five cases with an open hearing past its deadline whose meeting
    comes soonest; every committee's when `committee_ids` is None."""
    from .models import Case, Hearing

    cases = Case.objects.filter(
        status=Case.Status.IN_HEARING, hearings__status=Hearing.Status.OPEN, hearings__deadline__lt=today
    )
    if committee_ids is not None:
        cases = cases.filter(committee_id__in=committee_ids)
    # NULLS FIRST (starts_at is never null): the meetings index cannot give this order,
    # so PostgreSQL sorts the few overdue cases instead of walking ten years of meetings
    # from the oldest until it has found five (0.9 s at scale).
    soonest = F("meeting__starts_at").asc(nulls_first=True)
    return cases.distinct().order_by(soonest).values_list("pk", "title")[:5]
