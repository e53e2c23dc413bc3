from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .forms import ImportForm, WorkplaceProfileForm
from .models import Centre, ImportJob, WorkplaceKind
from .permissions import get_committee_for_user, get_workplace_for_user, sits_on_committee_of_workplace
from .roles import roles_of
from .selectors import committees_listed, current_members, workplaces_listed
from .services import import_job_create, workplace_profile_update


def committee_list(request):
    return render(request, "organisation/committee_list.html", {"committees": committees_listed()})


def committee_detail(request, slug: str):
    committee = get_committee_for_user(request.user, slug)
    workplaces = workplaces_listed(committee=committee.slug)
    return render(
        request,
        "organisation/committee_detail.html",
        {
            "committee": committee,
            "members": current_members(committee=committee),
            "workplaces": workplaces,
            "is_member": committee.pk in roles_of(request.user).committee_ids,
        },
    )


def workplace_list(request):
    filters = {name: request.GET.get(name, "").strip() for name in ("query", "kind", "centre", "committee")}
    page = Paginator(workplaces_listed(**filters), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "organisation/workplace_list.html",
        {
            "page": page,
            "filters": filters,
            "kinds": WorkplaceKind.objects.all(),
            "centres": Centre.objects.all(),
            "committees": committees_listed().only("id", "name", "slug"),
        },
    )


def workplace_detail(request, slug: str):
    workplace = get_workplace_for_user(request.user, slug)
    return render(
        request,
        "organisation/workplace_detail.html",
        {
            "workplace": workplace,
            "committees": workplace.committees.all(),
            "staff": current_members(workplace=workplace),
            "can_edit": request.user.has_perm("organisation.change_workplace", workplace),
            "links": workplace_links(request.user, workplace),
        },
    )


def workplace_links(user, workplace) -> list[tuple[str, str, str]]:
    """Where the profile leads: the workplace's meetings, visit times, agreement and stories,
    each only when the person may open it. (label, url, icon)."""
    from agreements.selectors import agreement_in_focus

    links = [
        (_("Meetings at the workplace"), reverse("meetings:workplace_meetings", args=[workplace.slug]), "calendar3")
    ]
    if user.has_perm("meetings.manage_visit_times", workplace):
        links.append((_("Visit times"), reverse("meetings:workplace_visit_times", args=[workplace.slug]), "clock"))
    elif sits_on_committee_of_workplace(user, workplace):
        url = reverse("meetings:visit_times") + "?" + urlencode({"workplace": workplace.slug})
        links.append((_("Book a visit"), url, "calendar-plus"))
    agreement = agreement_in_focus(workplace.pk)
    if agreement is not None and user.has_perm("agreements.view_agreement", agreement):
        links.append((_("Development agreement"), agreement.get_absolute_url(), "file-earmark-text"))
    stories = reverse("stories:feed") + "?" + urlencode({"tab": "all", "workplace": workplace.pk})
    links.append((_("Good stories"), stories, "chat-heart"))
    return links


def workplace_edit(request, slug: str):
    workplace = get_workplace_for_user(request.user, slug, write=True)
    form = WorkplaceProfileForm(request.POST or None, instance=workplace)
    if request.method == "POST" and form.is_valid():
        workplace_profile_update(workplace=workplace, values=form.cleaned_data)
        messages.success(request, _("The workplace profile is saved."))
        return redirect(workplace)
    return render(request, "organisation/workplace_edit.html", {"workplace": workplace, "form": form})


@permission_required("organisation.import_data", raise_exception=True)
def import_start(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = import_job_create(
            kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"], created_by=request.user
        )
        return redirect("organisation:import_job", pk=job.pk)
    recent = ImportJob.objects.select_related("created_by")[:10]
    return render(request, "organisation/import_start.html", {"form": form, "recent": recent})


@permission_required("organisation.view_importjob", raise_exception=True)
def import_job(request, pk: int):
    job = get_object_or_404(ImportJob, pk=pk)
    template = "organisation/_import_progress.html" if request.htmx else "organisation/import_job.html"
    return render(request, template, {"job": job})
