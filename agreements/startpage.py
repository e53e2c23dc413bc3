"""The "Agreements" menu item and the start page's next steps (one query per role group)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import navigation, startpage
from portal.startpage import NextStep

navigation.register(gettext_lazy("Agreements"), "agreements:list", order=40, icon="file-earmark-text")


@startpage.register
def agreement_steps(user, roles) -> list[NextStep]:
    from .models import Agreement, Approval

    steps: list[NextStep] = []
    if roles.led_workplace_ids or roles.headed_centre_ids or roles.chaired_committee_ids:
        signed = Approval.objects.filter(agreement=OuterRef("pk"), round=0)
        S = Agreement.Status
        chaired = Agreement.objects.filter(workplace__committees__in=roles.chaired_committee_ids).values("pk")
        agreements = (
            Agreement.objects.filter(
                Q(workplace_id__in=roles.led_workplace_ids, status__in=[S.DRAFT, S.IN_DIALOGUE])
                | Q(status=S.IN_DIALOGUE, workplace__centre_id__in=roles.headed_centre_ids)
                | Q(status=S.IN_DIALOGUE, pk__in=chaired)
            )
            .select_related("workplace")
            .annotate(
                chair_done=Exists(signed.filter(kind=Approval.Kind.CHAIR)),
                leader_done=Exists(signed.filter(kind=Approval.Kind.LEADER)),
                centre_done=Exists(signed.filter(kind=Approval.Kind.CENTRE_HEAD)),
            )
            .order_by("workplace__name")[:10]
        )
        for agreement in agreements:
            url = reverse("agreements:detail", args=[agreement.pk])
            name = agreement.workplace.name
            leads = agreement.workplace_id in roles.led_workplace_ids
            if agreement.status == Agreement.Status.DRAFT and leads:
                steps.append(
                    NextStep(
                        _("Continue the development agreement of %(name)s.") % {"name": name},
                        reverse("agreements:edit", args=[agreement.pk]),
                        25,
                        "file-earmark-text",
                    )
                )
            elif agreement.status == Agreement.Status.IN_DIALOGUE:
                if leads and not agreement.leader_done:
                    steps.append(
                        NextStep(_("Sign the development agreement of %(name)s.") % {"name": name}, url, 25, "pen")
                    )
                if agreement.workplace.centre_id in roles.headed_centre_ids and not agreement.centre_done:
                    steps.append(
                        NextStep(_("Sign the development agreement of %(name)s.") % {"name": name}, url, 25, "pen")
                    )
                if roles.chaired_committee_ids and not agreement.chair_done and not leads:
                    steps.append(
                        NextStep(
                            _("Approve the development agreement of %(name)s.") % {"name": name},
                            url,
                            25,
                            "check2-square",
                        )
                    )
    return steps
