"""Who may use each stories URL. Stories are made fresh for each request by `setup`."""

from stories.models import ChallengeReply, Follow, Story
from tests.access import Row, everyone
from tests.stories.helpers import challenge_form_data, make_challenge, make_story, story_form_data

EDITORS = {"admin": 302, "leader": 302}
WRITERS = ("admin", "leader", "employee", "union_rep", "med_contact", "other_leader")


def published(o, **kw):
    return {"pk": make_story(o.workplace, o.employee, **kw).pk}


def public(o):
    return published(o, visibility="public")


def submitted(o):
    return {"pk": make_story(o.workplace, o.employee, status=Story.Status.SUBMITTED).pk}


def picture_of(**kw):
    def setup(o):
        story = make_story(o.workplace, o.employee, picture=True, **kw)
        return {"pk": story.pictures.get().pk}

    return setup


def challenge(o):
    return {"pk": make_challenge(o.workplace, o.employee).pk}


def challenge_waiting(o):
    return {"pk": make_challenge(o.workplace, o.employee, status=Story.Status.SUBMITTED).pk}


def challenge_picture(o):
    # A challenge has no pictures through the form; one put there by hand stays as private.
    return {"pk": make_challenge(o.workplace, o.employee, picture=True).pictures.get().pk}


# A sent challenge: the committee (its chair and members), the centre (its head), the
# workplace (leader, employee, union representative, MED contact) and the leadership. Nobody else,
# never anonymously.
CHALLENGE_READERS = {
    role: 200
    for role in (
        "admin",
        "director",
        "chair",
        "member",
        "leader",
        "employee",
        "union_rep",
        "med_contact",
        "centre_head",
    )
}


def statuses(o):
    return sorted(Story.objects.values_list("status", flat=True))


ROWS = [
    Row("stories:feed", expect=everyone(200)),
    Row("stories:mine", expect=everyone(200)),
    Row("stories:follows", expect=everyone(200)),
    Row(
        "stories:follow",
        method="POST",
        data=lambda o: {"committee": o.committee.pk},
        expect=everyone(302),
        unchanged=lambda o: Follow.objects.count(),
    ),
    Row("stories:create", expect={role: 200 for role in WRITERS}, others=403),
    Row(
        "stories:create",
        method="POST",
        data=lambda o: story_form_data(workplace=o.workplace.pk),
        expect={role: 302 for role in WRITERS},
        others=403,
        unchanged=lambda o: Story.objects.count(),
    ),
    # A published internal story: every signed-in person reads it.
    Row("stories:detail", setup=published, expect=everyone(200)),
    # A story waiting for the leader: the author, the leader and administrators.
    Row("stories:detail", setup=submitted, expect={"admin": 200, "leader": 200, "employee": 200}),
    Row("stories:edit", setup=submitted, expect={"admin": 200, "leader": 200, "employee": 200}),
    Row("stories:edit", setup=published, expect={"admin": 200, "leader": 200}, others=403),
    Row(
        "stories:publish",
        method="POST",
        setup=submitted,
        data={"visibility": "internal"},
        expect={**EDITORS, "employee": 403},
        unchanged=statuses,
    ),
    Row(
        "stories:send_back",
        method="POST",
        setup=submitted,
        data={"comment": "Tilføj et billede"},
        expect={**EDITORS, "employee": 403},
        unchanged=statuses,
    ),
    Row("stories:unpublish", method="POST", setup=published, expect=EDITORS, others=403, unchanged=statuses),
    Row("stories:archive", method="POST", setup=published, expect=EDITORS, others=403, unchanged=statuses),
    Row("stories:thank", method="POST", setup=published, expect=everyone(302)),
    Row(
        "stories:thank",
        method="POST",
        setup=submitted,
        expect={"admin": 403, "leader": 403, "employee": 403},
        unchanged=lambda o: list(Story.objects.values_list("thanks_count", flat=True)),
    ),
    # Pictures: public ones for anyone, internal ones for the signed-in, unpublished ones
    # for those who may read the story; a stranger gets 404 either way.
    Row("stories:picture", setup=picture_of(visibility="public"), anonymous=200, expect=everyone(200)),
    Row("stories:picture", setup=picture_of(), anonymous=404, expect=everyone(200)),
    Row(
        "stories:picture",
        setup=picture_of(status=Story.Status.SUBMITTED),
        anonymous=404,
        expect={"admin": 200, "leader": 200, "employee": 200},
    ),
    Row("stories:challenges", expect=everyone(200)),
    Row("stories:challenge_create", expect={role: 200 for role in WRITERS}, others=403),
    Row(
        "stories:challenge_create",
        method="POST",
        data=lambda o: challenge_form_data(workplace=o.workplace.pk),
        expect={role: 302 for role in WRITERS},
        others=403,
        unchanged=lambda o: Story.objects.count(),
    ),
    Row("stories:detail", setup=challenge, expect=CHALLENGE_READERS),
    Row("stories:detail", setup=challenge_waiting, expect={"admin": 200, "leader": 200, "employee": 200}),
    Row("stories:edit", setup=challenge_waiting, expect={"admin": 200, "leader": 200, "employee": 200}),
    Row(
        "stories:publish",
        method="POST",
        setup=challenge_waiting,
        data={"visibility": "internal"},
        expect={**EDITORS, "employee": 403},
        unchanged=statuses,
    ),
    # Thanks are for good stories: readers of a challenge are refused, others never see it.
    Row(
        "stories:thank",
        method="POST",
        setup=challenge,
        expect={role: 403 for role in CHALLENGE_READERS},
        unchanged=lambda o: list(Story.objects.values_list("thanks_count", flat=True)),
    ),
    # Answering a challenge: the committee's members and chair, the workplace's leader.
    Row(
        "stories:reply",
        method="POST",
        setup=challenge,
        data={"text": "Vi vil gerne høre mere."},
        expect={**{role: 403 for role in CHALLENGE_READERS}, "chair": 302, "member": 302, "leader": 302},
        unchanged=lambda o: ChallengeReply.objects.count(),
    ),
    Row("stories:picture", setup=challenge_picture, anonymous=404, expect=CHALLENGE_READERS),
    Row("stories:public", anonymous=200, expect=everyone(200)),
    Row("stories:public_detail", setup=challenge, anonymous=404, expect=everyone(404)),
    Row("stories:public_detail", setup=public, anonymous=200, expect=everyone(200)),
    Row("stories:public_detail", setup=published, anonymous=404, expect=everyone(404)),
    Row("stories:atom", anonymous=200, expect=everyone(200)),
]
