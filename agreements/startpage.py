"""The "Agreements" menu item and the start page's next steps (one query per role group)."""

from __future__ import annotations

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import navigation, startpage
from portal.startpage import NextStep, Part
from samspil.jinja2 import row_url

navigation.register(gettext_lazy("Agreements"), "agreements:list", order=40, icon="file-earmark-text")


def agreement_steps(user, roles) -> list[NextStep]:
    """What the transition table offers this person on their agreements: continue the draft,
    approve, sign (three queries: the agreements, their committees, their signatures)."""
    from .models import Agreement, Approval
    from .workflows import AGREEMENT

    steps: list[NextStep] = []
    if not (roles.led_workplace_ids or roles.headed_centre_ids or roles.chaired_committee_ids):
        return steps
    chaired = Agreement.objects.filter(workplace__committees__in=roles.chaired_committee_ids).values("pk")
    agreements = (
        Agreement.objects.filter(
            Q(
                workplace_id__in=roles.led_workplace_ids,
                status__in=AGREEMENT.sources_allowing("send_to_dialogue", "sign"),
            )
            | Q(workplace__centre_id__in=roles.headed_centre_ids, status__in=AGREEMENT.sources_allowing("sign"))
            | Q(pk__in=chaired, status__in=AGREEMENT.sources_allowing("approve"))
        )
        .select_related("workplace")
        .prefetch_related(
            "workplace__committees",
            Prefetch("approvals", queryset=Approval.objects.filter(round=0), to_attr="round0_approvals"),
        )
        .order_by("workplace__name")[:10]
    )
    for agreement in agreements:
        # The workflow's predicates read the signatures from this cache: no query per row.
        agreement.__dict__["_approvals"] = {a.kind: a for a in agreement.round0_approvals}
        actions = AGREEMENT.available_actions(user, agreement)
        url = row_url("agreements:detail", agreement.pk)
        name = agreement.workplace.name
        if "send_to_dialogue" in actions:
            steps.append(
                NextStep(
                    _("Continue the development agreement of %(name)s.") % {"name": name},
                    row_url("agreements:edit", agreement.pk),
                    25,
                    "file-earmark-text",
                )
            )
        if "sign" in actions:
            steps.append(NextStep(_("Sign the development agreement of %(name)s.") % {"name": name}, url, 25, "pen"))
        if "approve" in actions:
            steps.append(
                NextStep(_("Approve the development agreement of %(name)s.") % {"name": name}, url, 25, "check2-square")
            )
    return steps


# The politicians' part, read in the start page's one query (portal.startpage.Part):
# what Agreement.objects.filter(status=IN_DIALOGUE, workplace__committees__in=…)
# .distinct().order_by("workplace__name")[:10] read, as plain SQL (portal/rawsql.py).
_IN_DIALOGUE_SQL = """
SELECT 'agreement_dialogue' AS step_kind, a.id AS step_pk, w.name AS step_text,
       ROW_NUMBER() OVER (ORDER BY w.name, a.id) AS step_position
FROM agreements_agreement a
JOIN organisation_workplace w ON w.id = a.workplace_id
WHERE a.status = {in_dialogue} AND EXISTS (
    SELECT 1 FROM organisation_workplace_committees wc WHERE wc.workplace_id = w.id AND wc.committee_id IN ({ids})
)
ORDER BY w.name, a.id
LIMIT 10
"""


@startpage.register_parts
def dialogue_steps(user, roles) -> list[Part]:
    """The politicians' part: the agreements of their committees' workplaces that are in
    dialogue, to read and comment on."""
    from portal.rawsql import in_list, literal

    from .models import Agreement

    # The chair's own step is to approve it (agreement_steps): not twice.
    member_of = roles.committee_ids - roles.chaired_committee_ids
    if not member_of:
        return []
    placeholders, ids = in_list(member_of)
    return [
        Part(
            "agreement_dialogue",
            # The status as a literal: PostgreSQL plans the statement once (portal.rawsql.literal).
            _IN_DIALOGUE_SQL.format(in_dialogue=literal(Agreement.Status.IN_DIALOGUE), ids=placeholders),
            ids,
            _dialogue,
        )
    ]


def _dialogue(rows) -> list[NextStep]:
    return [
        NextStep(
            _("Read and comment on the development agreement of %(name)s: it is in dialogue.") % {"name": name},
            row_url("agreements:detail", pk),
            28,
            "chat-square-text",
        )
        for pk, name in rows
    ]


# After the dialogue's part: its steps come first, as they did.
startpage.register(agreement_steps)
