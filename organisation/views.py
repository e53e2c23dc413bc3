from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from .forms import ImportForm, WorkplaceProfileForm
from .models import Centre, ImportJob, WorkplaceKind
from .permissions import get_committee_for_user, get_workplace_for_user
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
        },
    )


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
