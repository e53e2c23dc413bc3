"""The kinds of notification: what a person can choose how to hear about.

Each kind has a label (on the settings page), the sentence the start page and the email
show (formatted with the notification's params, in the reader's language) and a default
delivery. The defaults: what asks the person to act comes at once by email; comments
come in a daily summary; published stories stay on the start page, since followers get
the stories' weekly digest by email already.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


class Delivery:
    IMMEDIATE = "immediate"
    DAILY = "daily"
    START_PAGE = "start_page"

    CHOICES = [
        (IMMEDIATE, _("At once, by email")),
        (DAILY, _("In a daily summary by email")),
        (START_PAGE, _("Only on my start page")),
    ]


@dataclass(frozen=True)
class Kind:
    key: str
    label: object
    help: object
    message: object
    default: str


AGREEMENT_DIALOGUE = "agreement_dialogue"
AGREEMENT_COMMENT = "agreement_comment"
AGREEMENT_APPROVED = "agreement_approved"
AGREEMENT_SIGNED = "agreement_signed"
AGREEMENT_AGREED = "agreement_agreed"
STORY_SUBMITTED = "story_submitted"
STORY_PUBLISHED = "story_published"
MINUTES_LOCKED = "minutes_locked"

KINDS: dict[str, Kind] = {
    kind.key: kind
    for kind in (
        Kind(
            AGREEMENT_DIALOGUE,
            _("A development agreement is sent to dialogue"),
            _("For the committee members and the head of area of the workplace."),
            _("The development agreement of %(workplace)s is in dialogue: read it and comment on the goals."),
            Delivery.IMMEDIATE,
        ),
        Kind(
            AGREEMENT_COMMENT,
            _("Someone comments on a development agreement"),
            _("For the leader of the workplace, and for you when someone answers your comment."),
            _("%(actor)s commented on the goal “%(goal)s” in the development agreement of %(workplace)s."),
            Delivery.DAILY,
        ),
        Kind(
            AGREEMENT_APPROVED,
            _("The chair approves a development agreement"),
            _("For those who sign it: the leader and the head of area."),
            _("%(actor)s approved the development agreement of %(workplace)s: it awaits the signatures."),
            Delivery.IMMEDIATE,
        ),
        Kind(
            AGREEMENT_SIGNED,
            _("A development agreement is signed"),
            _("For the chair, the leader and the head of area."),
            _("%(actor)s signed the development agreement of %(workplace)s."),
            Delivery.IMMEDIATE,
        ),
        Kind(
            AGREEMENT_AGREED,
            _("A development agreement is agreed"),
            _("For the committee members, the leader and the head of area, when the last signature is there."),
            _("The development agreement of %(workplace)s is agreed: every signature is there."),
            Delivery.IMMEDIATE,
        ),
        Kind(
            STORY_SUBMITTED,
            _("A good story waits for your review"),
            _("For the leader of the workplace."),
            _("%(actor)s submitted the story “%(title)s” at %(workplace)s: publish it or send it back."),
            Delivery.IMMEDIATE,
        ),
        Kind(
            STORY_PUBLISHED,
            _("A good story is published where you follow"),
            _("For those who follow the workplace or its committee (the weekly digest comes as well)."),
            _("New good story from %(workplace)s: “%(title)s”."),
            Delivery.START_PAGE,
        ),
        Kind(
            MINUTES_LOCKED,
            _("The minutes of your meeting are locked"),
            _("For the meeting's participants."),
            _("The minutes of “%(meeting)s” on %(date)s are locked."),
            Delivery.IMMEDIATE,
        ),
    )
}

KIND_CHOICES = [(kind.key, kind.label) for kind in KINDS.values()]
