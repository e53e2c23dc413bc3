from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import context as audit_context

from .importer import ImportFileError, Progress, import_rows, read_rows
from .models import ImportJob, Membership, Role

logger = logging.getLogger(__name__)
User = get_user_model()


def import_job_create(*, kind: str, upload, created_by) -> ImportJob:
    job = ImportJob.objects.create(kind=kind, file=upload, original_name=upload.name[:255], created_by=created_by)
    from .tasks import run_import_job

    run_import_job.delay_on_commit(job.pk)
    return job


def import_job_run(*, job_id: int) -> ImportJob | None:
    """Run one import. A redelivered task finds the job claimed and does nothing."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.PENDING).update(
        status=ImportJob.Status.RUNNING
    )
    if not claimed:
        return None
    job = ImportJob.objects.get(pk=job_id)
    with job.file.open("rb") as handle:
        data = handle.read()
    return import_job_execute(job=job, data=data)


def import_job_execute(*, job: ImportJob, data: bytes, progress: Progress | None = None) -> ImportJob:
    """Read and import a claimed (running) job's file, all or nothing, and record the outcome.

    Every row the import writes goes to the audit trail as the person who uploaded the
    file, with the source `import:<job id>` (issue 14, point 6): the task or command that
    runs it is only the messenger.
    """
    reported = progress or (lambda done, total: None)

    def on_progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=done, total_rows=total)
        reported(done, total)

    outer = audit_context.current()
    actor = audit_context.Actor(
        user_id=job.created_by_id, request_id=outer.request_id, ip=outer.ip, source=f"import:{job.pk}"
    )
    try:
        with audit_context.acting_as(actor):
            rows = read_rows(data, job.original_name or job.file.name)
            ImportJob.objects.filter(pk=job.pk).update(total_rows=len(rows))
            result = import_rows(kind=job.kind, rows=rows, progress=on_progress)
    except ImportFileError as exc:
        errors, summary = [{"line": 0, "field": "", "message": str(exc)}], {}
    except Exception:
        logger.exception("Import %s failed", job.pk)
        errors, summary = (
            [{"line": 0, "field": "", "message": _("The import failed unexpectedly. Nothing was imported.")}],
            {},
        )
    else:
        errors = [error.as_dict() for error in result.errors]
        summary = {"created": result.created, "updated": result.updated, "rows": result.rows}
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.FAILED if errors else ImportJob.Status.DONE,
        errors=errors[:1000],
        summary={**summary, "error_count": len(errors)},
        finished_at=timezone.now(),
    )
    job.refresh_from_db()
    return job


def close_ended_memberships() -> list[Membership]:
    """Close roles whose end date has passed and tell the administrators, once.

    Each membership is claimed with a conditional update in the same transaction as the
    outbox rows that tell the administrators (one per closing and administrator, keyed by
    the first membership closed), so a second beat or a retried task never reports the same
    ending twice, and a failure reports nothing and closes nothing.
    """
    from outbox.services import enqueue

    from .emails import MEMBERSHIPS_ENDED_FAMILY

    today = timezone.localdate()
    candidates = list(Membership.objects.filter(ends_on__lt=today, closed_at=None).values_list("pk", flat=True)[:5000])
    now = timezone.now()
    with transaction.atomic():
        closed_ids = [pk for pk in candidates if Membership.objects.filter(pk=pk, closed_at=None).update(closed_at=now)]
        if not closed_ids:
            return []
        closed = list(
            Membership.objects.filter(pk__in=closed_ids)
            .select_related("person", "committee", "workplace", "centre")
            .order_by("role", F("committee__name").asc(nulls_last=True), "person__full_name")
        )
        administrators = User.objects.filter(
            is_active=True,
            memberships__in=Membership.objects.current(today).filter(role=Role.ADMINISTRATOR),
        ).distinct()
        for administrator in administrators:
            enqueue(
                family=MEMBERSHIPS_ENDED_FAMILY,
                key=f"{MEMBERSHIPS_ENDED_FAMILY}:{min(closed_ids)}:{administrator.pk}",
                recipient=administrator,
                params={"memberships": closed_ids},
            )
    return closed


WORKPLACE_PROFILE_FIELDS = ("description", "address", "postcode", "city", "email", "phone")


def workplace_profile_update(*, workplace, values: dict):
    """The profile a workplace leader keeps up to date; structure (kind, centre, committees)
    is master data the administrators own, so other keys are ignored."""
    changed = [name for name in WORKPLACE_PROFILE_FIELDS if name in values]
    for name in changed:
        setattr(workplace, name, values[name])
    workplace.save(update_fields=changed)
    return workplace
