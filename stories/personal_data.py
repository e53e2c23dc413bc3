"""What the stories app holds about a person (accounts/privacy.py)."""

from django.utils.translation import gettext_lazy as _

from accounts import privacy


def register() -> None:
    from .models import ChallengeReply, Follow, Story, Thanks

    privacy.register(
        "stories",
        _("Stories you wrote"),
        export=lambda person: privacy.rows(
            Story.objects.filter(author=person), "title", "kind", "status", "visibility", "created_at"
        ),
    )
    privacy.register(
        "challenge_replies",
        _("Your answers to challenges"),
        export=lambda person: privacy.rows(
            ChallengeReply.objects.filter(author=person), "story__title", "text", "wants_visit", "created_at"
        ),
    )
    privacy.register(
        "story_thanks",
        _("Thanks you gave"),
        export=lambda person: privacy.rows(Thanks.objects.filter(person=person), "story__title", "created_at"),
        erase=lambda person: Thanks.objects.filter(person=person).delete(),
    )
    privacy.register(
        "story_follows",
        _("Committees and workplaces you follow"),
        export=lambda person: privacy.rows(
            Follow.objects.filter(person=person), "committee__name", "workplace__name", "created_at"
        ),
        erase=lambda person: Follow.objects.filter(person=person).delete(),
    )
