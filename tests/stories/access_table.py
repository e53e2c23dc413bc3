"""Who may use each stories URL. Stories are made fresh for each request by `setup`."""

from stories.models import Follow, Story
from tests.access import Row, everyone
from tests.stories.helpers import make_story, story_form_data

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
    Row("stories:public", anonymous=200, expect=everyone(200)),
    Row("stories:public_detail", setup=public, anonymous=200, expect=everyone(200)),
    Row("stories:public_detail", setup=published, anonymous=404, expect=everyone(404)),
    Row("stories:atom", anonymous=200, expect=everyone(200)),
]
