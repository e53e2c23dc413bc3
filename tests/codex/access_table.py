"""Who may use each URL of the code register (see tests/access.py)."""

from codex.models import CodeVersion, CurrentCode, SelfEvaluation, Signature
from tests.access import LOGIN, REDIRECT, Row, everyone

from .helpers import publish_version


def _published(org) -> dict:
    return {"pk": publish_version(org.admin).pk}


def _draft(org) -> dict:
    from codex.services import version_create_draft

    return {"pk": version_create_draft(created_by=org.admin, title="Kladde", preamble="x").pk}


def _current_hash(org) -> dict:
    current = CurrentCode.objects.select_related("version").first()
    return {"consent": "on", "text_sha256": current.version.text_sha256 if current else ""}


def _with_version(org) -> dict:
    publish_version(org.admin)
    return {}


ADMIN_ONLY = {"admin": 302}  # the administrator's form posts redirect
# Pages for the administrator (whose session passed two-factor; without it: test_access_matrix).
ADMIN_PAGE = {"admin": 200}

ROWS = [
    Row("codex:home", expect=everyone(200), setup=_with_version),
    Row("codex:home", expect=everyone(200)),  # nothing published yet: the empty state
    Row(
        "codex:sign",
        method="POST",
        setup=_published,
        data=_current_hash,
        expect=everyone(REDIRECT),
        anonymous=LOGIN,
        unchanged=lambda o: Signature.objects.count(),
    ),
    Row("codex:my_signatures", expect=everyone(200)),
    Row("codex:versions", expect=everyone(200)),
    Row("codex:version", setup=_published, expect=everyone(200)),
    Row("codex:version", setup=_draft, expect={"admin": 200}, others=404),
    Row("codex:register", setup=_with_version, expect=everyone(200)),
    Row("codex:register_csv", setup=_with_version, expect=everyone(200)),
    Row("codex:evaluations", expect=everyone(200)),
    Row(
        "codex:evaluation_committee",
        setup=_with_version,
        kwargs=lambda o: {"slug": o.committee.slug},
        expect={"admin": 200, "director": 200, "chair": 200, "member": 200},
        others=404,
    ),
    Row(
        "codex:evaluation_committee",
        method="POST",
        setup=_with_version,
        kwargs=lambda o: {"slug": o.committee.slug},
        data={},
        # Members get the form back with a message per unanswered question.
        expect={"admin": 200, "director": 403, "chair": 200, "member": 200},
        others=404,
        unchanged=lambda o: SelfEvaluation.objects.count(),
    ),
    Row(
        "codex:evaluation_workplace",
        setup=_with_version,
        kwargs=lambda o: {"slug": o.workplace.slug},
        expect={
            "admin": 200,
            "director": 200,
            "leader": 200,
            "employee": 200,
            "union_rep": 200,
            "med_contact": 200,
            "centre_head": 200,
        },
        others=404,
    ),
    Row("codex:public", setup=_with_version, expect=everyone(200), anonymous=200),
    Row("codex:public", expect=everyone(200), anonymous=200),
    Row("codex:admin", expect=ADMIN_PAGE, others=403),
    Row(
        "codex:version_create",
        method="POST",
        expect=ADMIN_ONLY,
        others=403,
        unchanged=lambda o: CodeVersion.objects.count(),
    ),
    Row("codex:version_edit", setup=_draft, expect=ADMIN_PAGE, others=404),
    Row("codex:version_edit", setup=_published, expect=ADMIN_ONLY, others=403),
    Row("codex:version_preview", setup=_draft, expect=ADMIN_PAGE, others=404),
    Row(
        "codex:version_publish",
        method="POST",
        setup=_draft,
        expect=ADMIN_ONLY,
        others=404,
        unchanged=lambda o: CodeVersion.objects.published().count(),
    ),
    Row("codex:version_progress", setup=_published, expect=ADMIN_PAGE, others=403),
    Row("codex:verify", expect=ADMIN_PAGE, others=403),
]
