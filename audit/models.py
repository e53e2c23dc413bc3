from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One change to a tracked object: who, what, when and from which request.

    Written by audit.registry for every create, change and delete of tracked models,
    bulk updates and deletes included; entries are never changed afterwards.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        DELETE = "delete", _("deleted")
        BULK_UPDATE = "bulk_update", _("changed in bulk")
        BULK_DELETE = "bulk_delete", _("deleted in bulk")

    at = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    action = models.CharField(_("what"), max_length=20, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(_("object"), max_length=255)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    ip = models.CharField(_("IP address"), max_length=45, blank=True)
    source = models.CharField(_("from"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-id"]
        indexes = [
            # The per-object history: WHERE content_type = … AND object_id = … ORDER BY at DESC.
            models.Index(fields=["content_type", "object_id", "-at"], name="audit_object_history"),
            models.Index(fields=["actor", "-at"], name="audit_actor_history"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.object_repr}"
