"""Good stories: the feed, a story, writing and publishing, thanks, follows, the public page."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organisation.models import Committee, Workplace
from portal.templatetags.portal import query_with
from samspil.errors import ServiceError

from .forms import (
    ChallengeForm,
    ChallengeReplyForm,
    PublishForm,
    SendBackForm,
    StoryForm,
    picture_changes,
    picture_formset,
)
from .models import Story, StoryPicture
from .permissions import get_story_for_user, may_publish_directly, workplaces_to_write_for
from .selectors import (
    challenge_follow_up,
    challenges_page,
    feed_page,
    filter_choices,
    followed_ids,
    public_page,
    review_queue,
    stories_by,
    stories_of_my_workplaces,
    story_detail,
)
from .services import (
    MAX_PICTURES,
    StoryConflict,
    challenge_reply,
    follow_toggle,
    story_archive,
    story_publish,
    story_send_back,
    story_submit,
    story_thank,
    story_unpublish,
    story_update,
)


def _int(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _list_page(request, *, template: str, selector, filter_names: tuple[str, ...], followed_first: bool, **context):
    """The feed and the challenges list: tabs (all, followed; the feed opens on the
    followed tab for a person who follows something), filters, keyset pages. Two queries
    beside the user's: the follows with the filters' choices, and the page's rows."""
    filters = {name: _int(request.GET.get(name)) for name in filter_names}
    choices = filter_choices(
        request.user, committee=filters["committee"], workplace=filters["workplace"], themes="theme" in filters
    )
    committees_followed, workplaces_followed = choices.followed_committees, choices.followed_workplaces
    follows_any = bool(committees_followed or workplaces_followed)
    tab = request.GET.get("tab") or ("followed" if follows_any and followed_first else "all")
    if "theme" in filters:
        context["themes"] = choices.themes
    page = selector(
        user=request.user,
        followed=(committees_followed, workplaces_followed) if tab == "followed" else None,
        cursor=request.GET.get("after", ""),
        **filters,
        **({"themes": context["themes"]} if "themes" in context else {}),
    )
    return render(
        request,
        template,
        {
            "page": page,
            "tab": tab,
            "filters": filters,
            "follows_any": follows_any,
            # The pages' links keep the filters (portal's query_with, once per page).
            "newest_query": query_with({"request": request}, after=""),
            "older_query": query_with({"request": request}, after=page.next_cursor) if page.next_cursor else "",
            "committees": choices.committees,
            "workplaces": choices.workplaces,
            # The rule itself, not user.has_perm: Django's ModelBackend would spend two
            # queries on permission rows Samspil does not use.
            "can_write": rules.has_perm("stories.add_story", request.user),
            **context,
        },
    )


def feed(request):
    return _list_page(
        request,
        template="stories/feed.html",
        selector=feed_page,
        filter_names=("committee", "workplace", "theme"),
        followed_first=True,
    )


def detail(request, pk: int):
    story = get_story_for_user(request.user, pk)
    story = story_detail(Story.objects.filter(pk=story.pk), request.user).get()
    return _render_detail(request, story)


def _render_detail(request, story: Story, *, send_back_form=None, publish_form=None, reply_form=None, status=200):
    can_publish = request.user.has_perm("stories.publish_story", story)
    show_events = can_publish or story.author_id == request.user.pk
    if story.is_challenge:
        return render(
            request,
            "stories/challenge_detail.html",
            {
                "story": story,
                "can_edit": request.user.has_perm("stories.change_story", story),
                "send_back_form": send_back_form or SendBackForm(),
                "can_reply": request.user.has_perm("stories.reply_challenge", story),
                "reply_form": reply_form or ChallengeReplyForm(),
                "replies": story.replies.select_related("author") if story.is_published else [],
                "follow_up": challenge_follow_up(request.user, story),
                "events": story.events.select_related("actor") if show_events else [],
            },
            status=status,
        )
    return render(
        request,
        "stories/detail.html",
        {
            "story": story,
            "can_edit": request.user.has_perm("stories.change_story", story),
            "can_publish": can_publish,
            "send_back_form": send_back_form or SendBackForm(),
            "publish_form": publish_form or PublishForm(initial={"visibility": story.visibility}),
            "events": story.events.select_related("actor") if show_events else [],
        },
        status=status,
    )


def _service_error(form, error: ServiceError) -> None:
    """A service's refusal, on the field it names when the form has it."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _story_form_page(request, *, story: Story | None, kind: str = Story.Kind.STORY):
    kind = story.kind if story is not None else kind
    challenge = kind == Story.Kind.CHALLENGE
    workplaces = workplaces_to_write_for(request.user) if story is None else None
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    choose = workplaces if workplaces is not None and workplaces.count() > 1 else None
    if challenge:
        form = ChallengeForm(data, instance=story, workplaces=choose)
    else:
        goal_workplaces = [story.workplace_id] if story is not None else workplaces
        form = StoryForm(data, instance=story, workplaces=choose, goal_workplaces=goal_workplaces)
    # As many empty picture slots as the six allowed leave room for (the formset caps at
    # max_num); a challenge has no pictures.
    pictures = (
        None
        if challenge
        else picture_formset(extra=MAX_PICTURES)(data, files, instance=story or Story(), prefix="pictures")
    )
    if story is None:
        workplace = workplaces.first() if workplaces is not None else None
    else:
        workplace = story.workplace
    if request.method == "POST" and form.is_valid() and (pictures is None or pictures.is_valid()):
        if "workplace" in form.cleaned_data:
            workplace = form.cleaned_data["workplace"]
        publish = "publish" in request.POST and may_publish_directly(request.user, workplace)
        values = form.values()
        changes = picture_changes(pictures) if pictures is not None else []
        try:
            if story is None:
                story = story_submit(
                    author=request.user, workplace=workplace, kind=kind, pictures=changes, publish=publish, **values
                )
            else:
                story = story_update(story=story, editor=request.user, pictures=changes, publish=publish, **values)
        except ServiceError as error:  # StoryConflict included
            _service_error(form, error)
        else:
            if story.is_published:
                messages.success(
                    request, _("The challenge is sent to the committee.") if challenge else _("The story is published.")
                )
            elif story.author_id == request.user.pk:  # not published: it waits for the leader
                messages.success(
                    request,
                    _("Thank you! The challenge is sent to your leader, who sends it on to the committee.")
                    if challenge
                    else _("Thank you! The story is sent to your leader, who publishes it."),
                )
            else:
                messages.success(request, _("The story is saved."))
            return redirect(story)
    return render(
        request,
        "stories/challenge_form.html" if challenge else "stories/form.html",
        {
            "form": form,
            "pictures": pictures,
            "story": story,
            "workplace": workplace,
            "can_publish": may_publish_directly(request.user, workplace),
            "files_lost": request.method == "POST" and bool(request.FILES),
        },
        status=200,
    )


def create(request):
    if not request.user.has_perm("stories.add_story"):
        raise PermissionDenied
    return _story_form_page(request, story=None)


def challenge_create(request):
    if not request.user.has_perm("stories.add_story"):
        raise PermissionDenied
    return _story_form_page(request, story=None, kind=Story.Kind.CHALLENGE)


def edit(request, pk: int):
    # The table refuses editing an archived story (stories/workflows.py).
    story = get_story_for_user(request.user, pk, write=True)
    return _story_form_page(request, story=story)


@require_POST
def publish(request, pk: int):
    story = get_story_for_user(request.user, pk, write=True, perm="stories.publish_story")
    form = PublishForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, story, publish_form=form, status=400)
    try:
        story_publish(story=story, by=request.user, visibility=form.cleaned_data["visibility"])
    except StoryConflict as exc:
        messages.warning(request, str(exc))
    except ServiceError as error:
        form.add_error("visibility", error.message)
        return _render_detail(request, story, publish_form=form, status=400)
    else:
        messages.success(
            request,
            _("The challenge is sent to the committee.") if story.is_challenge else _("The story is published."),
        )
    return redirect(story)


@require_POST
def send_back(request, pk: int):
    story = get_story_for_user(request.user, pk, write=True, perm="stories.publish_story")
    form = SendBackForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, story, send_back_form=form, status=400)
    try:
        story_send_back(story=story, by=request.user, comment=form.cleaned_data["comment"])
    except StoryConflict as exc:
        messages.warning(request, str(exc))
    except ServiceError as error:
        form.add_error("comment", error.message)
        return _render_detail(request, story, send_back_form=form, status=400)
    else:
        messages.success(request, _("The story is sent back to the author with your comment."))
    return redirect(story)


@require_POST
def unpublish(request, pk: int):
    story = get_story_for_user(request.user, pk, write=True, perm="stories.publish_story")
    try:
        story_unpublish(story=story, by=request.user)
    except StoryConflict as exc:
        messages.warning(request, str(exc))
    else:
        messages.success(request, _("The story is unpublished. Only you and the author can see it now."))
    return redirect(story)


@require_POST
def archive(request, pk: int):
    story = get_story_for_user(request.user, pk, write=True, perm="stories.publish_story")
    try:
        story_archive(story=story, by=request.user)
    except StoryConflict as exc:
        messages.warning(request, str(exc))
    else:
        messages.success(request, _("The story is archived."))
    return redirect(story)


def challenges(request):
    """The sent challenges a person may read: the committee's, the centre's, the workplace's."""
    return _list_page(
        request,
        template="stories/challenges.html",
        selector=challenges_page,
        filter_names=("committee", "workplace"),
        followed_first=False,
    )


@require_POST
def reply(request, pk: int):
    story = get_story_for_user(request.user, pk, write=True, perm="stories.reply_challenge")
    form = ChallengeReplyForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, story, reply_form=form, status=400)
    try:
        answer = challenge_reply(
            story=story, by=request.user, text=form.cleaned_data["text"], wants_visit=form.cleaned_data["wants_visit"]
        )
    except ServiceError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return _render_detail(request, story, reply_form=form, status=400)
    messages.success(request, _("Your answer is sent to the workplace."))
    follow_up = challenge_follow_up(request.user, story)
    if answer.wants_visit and follow_up.visit_url:
        # "We would like to hear more at a visit" goes straight on to the workplace's visit times.
        return redirect(follow_up.visit_url)
    return redirect(story)


@require_POST
def thank(request, pk: int):
    story = get_story_for_user(request.user, pk, write=True, perm="stories.thank_story")
    if not story.is_published:
        # Administrators hold every stories permission; thanks are for published stories only.
        raise PermissionDenied
    wanted = {"1": True, "0": False}.get(request.POST.get("thank", ""))
    thanked, count = story_thank(story=story, person=request.user, thank=wanted)
    if request.htmx:
        story.thanked, story.thanks_count = thanked, count
        return render(request, "stories/_thanks.html", {"story": story})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = story.get_absolute_url()
    return redirect(target)


def mine(request):
    return render(
        request,
        "stories/mine.html",
        {
            "queue": review_queue(request.user),
            "led": stories_of_my_workplaces(request.user)[:50],
            "mine": stories_by(request.user)[:50],
            "can_write": request.user.has_perm("stories.add_story"),
        },
    )


def follows(request):
    committees_followed, workplaces_followed = followed_ids(request.user)
    committees = list(
        Committee.objects.filter(is_active=True).prefetch_related(
            Prefetch("workplaces", queryset=Workplace.objects.filter(is_active=True).only("id", "name"))
        )
    )
    for committee in committees:
        committee.following = committee.pk in committees_followed
        for workplace in committee.workplaces.all():
            workplace.following = workplace.pk in workplaces_followed
    return render(request, "stories/follows.html", {"committees": committees})


@require_POST
def follow(request):
    committee = workplace = None
    if _int(request.POST.get("committee")):
        committee = get_object_or_404(Committee, pk=_int(request.POST["committee"]))
    elif _int(request.POST.get("workplace")):
        workplace = get_object_or_404(Workplace, pk=_int(request.POST["workplace"]))
    else:
        raise Http404
    following = follow_toggle(person=request.user, committee=committee, workplace=workplace)
    if request.htmx:
        return render(
            request,
            "stories/_follow_button.html",
            {
                "target": committee or workplace,
                "kind": "committee" if committee else "workplace",
                "following": following,
            },
        )
    return redirect("stories:follows")


# --- Public: no login ------------------------------------------------------------------


@login_not_required
def picture(request, pk: int):
    """Pictures of public stories for anyone; others only for those who may read the story."""
    picture = get_object_or_404(StoryPicture.objects.select_related("story"), pk=pk)
    story = picture.story
    if not story.is_public and not (
        request.user.is_authenticated and request.user.has_perm("stories.view_story", story)
    ):
        raise Http404
    try:
        handle = default_storage.open(picture.image.name, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type="image/jpeg")
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "public, max-age=3600" if story.is_public else "private, max-age=3600"
    return response


@login_not_required
def public_list(request):
    page = public_page(cursor=request.GET.get("after", ""))
    older = query_with({"request": request}, after=page.next_cursor) if page.next_cursor else ""
    return render(request, "stories/public_list.html", {"page": page, "older_query": older})


@login_not_required
def public_detail(request, pk: int):
    story = get_object_or_404(story_detail(Story.objects.public(), None), pk=pk)
    first = story.pictures.all()[0] if story.pictures.all() else None
    return render(
        request,
        "stories/public_detail.html",
        {
            "story": story,
            "og_image": request.build_absolute_uri(first.get_absolute_url()) if first else "",
            "og_image_alt": first.alt_text if first else "",
            "canonical": request.build_absolute_uri(story.get_public_url()),
        },
    )
