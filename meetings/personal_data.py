"""What the meetings app holds about a person (accounts/privacy.py)."""

from django.utils.translation import gettext_lazy as _

from accounts import privacy


def register() -> None:
    from .calendars.models import CalendarFeed, ReminderOptOut
    from .models import MinutesVersion, Participant
    from .visits.models import Booking

    privacy.register(
        "meetings",
        _("Meetings you were invited to"),
        export=lambda person: privacy.rows(
            Participant.objects.filter(person=person).order_by("-meeting__starts_at"),
            "meeting__title",
            "meeting__starts_at",
            "role",
            "response",
            "responded_at",
        ),
    )
    privacy.register(
        "bookings",
        _("Visits you booked"),
        export=lambda person: privacy.rows(
            Booking.objects.filter(member=person).order_by("-created_at"),
            "slot__workplace__name",
            "slot__starts_at",
            "status",
            "reason",
            "created_at",
        ),
    )
    privacy.register(
        "minutes",
        _("Minutes you wrote"),
        export=lambda person: privacy.rows(
            MinutesVersion.objects.filter(author=person), "minutes__meeting__title", "number", "status", "created_at"
        ),
    )
    from .models import Minutes, MinutesComment, MinutesReadRequest

    privacy.register(
        "minutes_reading",
        _("Minutes you were asked to read"),
        export=lambda person: privacy.rows(
            MinutesReadRequest.objects.filter(person=person).order_by("-asked_at"),
            "minutes__meeting__title",
            "asked_at",
            "read_at",
        ),
        # Open requests go (nobody waits for an erased person); locked minutes keep theirs.
        erase=lambda person: (
            MinutesReadRequest.objects.filter(person=person).exclude(minutes__status=Minutes.Status.LOCKED).delete()
        ),
    )
    privacy.register(
        "minutes_comments",
        _("Your comments on minutes"),
        export=lambda person: privacy.rows(
            MinutesComment.objects.filter(author=person).order_by("-created_at"),
            "minutes__meeting__title",
            "text",
            "created_at",
        ),
        erase=lambda person: (
            MinutesComment.objects.filter(author=person).exclude(minutes__status=Minutes.Status.LOCKED).delete()
        ),
    )
    privacy.register(
        "calendar",
        _("Calendar address and reminder choices"),
        export=lambda person: privacy.rows(ReminderOptOut.objects.filter(person=person), "kind"),
        # The feed address and reminder choices go; meetings and minutes stay (they are the
        # municipality's record), pointing at the anonymised account.
        erase=lambda person: (
            CalendarFeed.objects.filter(person=person).delete(),
            ReminderOptOut.objects.filter(person=person).delete(),
        ),
    )
