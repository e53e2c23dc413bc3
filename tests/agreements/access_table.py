"""Who may use each agreement URL. The workplace's agreement is built per row in the
state the row names (see helpers.make_agreement)."""

from agreements.models import Agreement, Approval, Goal, GoalComment, Milestone
from tests.access import Row, everyone

from .helpers import goal_post, make_agreement, own_goal

# Who sees the agreement in each state; everyone else gets 404.
DRAFT_READERS = ("admin", "director", "leader", "centre_head")
DIALOGUE_READERS = (*DRAFT_READERS, "chair", "member")
AGREED_READERS = (*DIALOGUE_READERS, "employee", "union_rep", "med_contact")


def readers(names, status=200, **overrides):
    return {name: overrides.get(name, status) for name in names}


def writers(names, status=302, writers=("admin", "leader")):
    """Readers who may not write get 403; the writers get `status`."""
    return {name: (status if name in writers else 403) for name in names}


def agreement_in(status, **kwargs):
    def setup(org):
        org._agreement = make_agreement(org, status, **kwargs)
        return {"pk": org._agreement.pk}

    return setup


def goal_in(status):
    def setup(org):
        org._agreement = make_agreement(org, status)
        org._goal = own_goal(org._agreement)
        return {"pk": org._goal.pk}

    return setup


def milestone_in(status):
    def setup(org):
        import datetime as dt

        org._agreement = make_agreement(org, status)
        goal = own_goal(org._agreement)
        org._milestone = Milestone.objects.create(goal=goal, title="Trin", due_on=dt.date(2027, 5, 1))
        return {"pk": org._milestone.pk}

    return setup


def _text_sha256(org) -> str:
    from agreements.services import current_text_sha256

    return current_text_sha256(Agreement.objects.get(pk=org._agreement.pk))


def agreement_state(org):
    return list(Agreement.objects.values_list("status", "introduction", "version", "revision_number"))


def goal_state(org):
    return list(Goal.objects.order_by("pk").values_list("title", "order", "version"))


ROWS = [
    Row("agreements:list", expect=everyone(200)),
    Row("agreements:partner_goals", expect=everyone(200)),
    Row("agreements:start", expect={"leader": 200, "other_leader": 200}, others=403),
    Row(
        "agreements:start",
        method="POST",
        data={"choice": "nothing"},
        expect={"leader": 200, "other_leader": 200},
        others=403,
        unchanged=lambda o: Agreement.objects.count(),
    ),
    Row("agreements:detail", setup=agreement_in("draft"), expect=readers(DRAFT_READERS)),
    Row("agreements:detail", setup=agreement_in("in_dialogue"), expect=readers(DIALOGUE_READERS)),
    Row("agreements:detail", setup=agreement_in("agreed"), expect=readers(AGREED_READERS)),
    Row("agreements:edit", setup=agreement_in("draft"), expect=writers(DRAFT_READERS, 200)),
    Row("agreements:edit", setup=agreement_in("evaluated"), expect=writers(DIALOGUE_READERS, 403)),
    # The partner search answers only those who may edit the goal.
    Row("agreements:partner_search", setup=goal_in("draft"), expect=writers(DRAFT_READERS, 200)),
    Row("agreements:partner_search", setup=goal_in("evaluated"), expect=writers(DIALOGUE_READERS, 403)),
    Row(
        "agreements:introduction_save",
        method="POST",
        setup=agreement_in("draft"),
        data=lambda o: {"introduction": "Overwritten", "introduction_version": o._agreement.introduction_version},
        expect=writers(DRAFT_READERS),
        unchanged=agreement_state,
    ),
    Row(
        "agreements:field_save",
        method="POST",
        setup=agreement_in("draft"),
        data={"field": "introduction", "value": "Overwritten", "version": 1},
        expect=writers(DRAFT_READERS, 200),
        unchanged=agreement_state,
    ),
    Row(
        "agreements:editor_heartbeat",
        method="POST",
        setup=agreement_in("draft"),
        data={"versions": "{}"},
        expect=writers(DRAFT_READERS, 200),
    ),
    Row(
        "agreements:goal_add",
        method="POST",
        setup=agreement_in("draft"),
        data={"title": "Nyt mål", "kind": "own"},
        expect=writers(DRAFT_READERS),
        unchanged=goal_state,
    ),
    # Send to dialogue, approve and sign: a confirmation page (GET) that only the person who
    # may take the step sees; a POST without its box ticked is refused (400) and changes
    # nothing; with the box ticked the step is taken (issue 16.2).
    Row("agreements:send_to_dialogue", setup=agreement_in("draft"), expect=writers(DRAFT_READERS, 200)),
    Row(
        "agreements:send_to_dialogue",
        method="POST",
        setup=agreement_in("draft"),
        expect=writers(DRAFT_READERS, 400),
        unchanged=agreement_state,
    ),
    Row(
        "agreements:send_to_dialogue",
        method="POST",
        setup=agreement_in("draft"),
        data={"confirm": "on"},
        expect=writers(DRAFT_READERS),
        unchanged=agreement_state,
    ),
    Row(
        "agreements:approve",
        setup=agreement_in("in_dialogue"),
        expect=writers(DIALOGUE_READERS, 200, writers=("chair",)),
    ),
    Row(
        "agreements:approve",
        method="POST",
        setup=agreement_in("in_dialogue"),
        expect=writers(DIALOGUE_READERS, 400, writers=("chair",)),
        unchanged=lambda o: Approval.objects.count(),
    ),
    Row(
        "agreements:approve",
        method="POST",
        setup=agreement_in("in_dialogue"),
        data={"confirm": "on"},
        expect=writers(DIALOGUE_READERS, writers=("chair",)),
        unchanged=lambda o: Approval.objects.count(),
    ),
    # Signing comes after the chair's approval; before it, nobody signs.
    Row("agreements:sign", setup=agreement_in("in_dialogue"), expect=writers(DIALOGUE_READERS, writers=())),
    Row(
        "agreements:sign",
        method="POST",
        setup=agreement_in("in_dialogue"),
        data={"consent": "on"},
        expect=writers(DIALOGUE_READERS, writers=()),
        unchanged=lambda o: Approval.objects.count(),
    ),
    Row(
        "agreements:sign",
        setup=agreement_in("approved"),
        expect=writers(DIALOGUE_READERS, 200, writers=("leader", "centre_head")),
    ),
    Row(
        "agreements:sign",
        method="POST",
        setup=agreement_in("approved"),
        data=lambda o: {"text_sha256": _text_sha256(o)},
        expect=writers(DIALOGUE_READERS, 400, writers=("leader", "centre_head")),
        unchanged=lambda o: Approval.objects.count(),
    ),
    Row(
        "agreements:sign",
        method="POST",
        setup=agreement_in("approved"),
        data=lambda o: {"consent": "on", "text_sha256": _text_sha256(o)},
        expect=writers(DIALOGUE_READERS, writers=("leader", "centre_head")),
        unchanged=lambda o: Approval.objects.count(),
    ),
    Row(
        "agreements:withdraw_approval",
        method="POST",
        setup=agreement_in("approved"),
        expect=writers(DIALOGUE_READERS, writers=("chair",)),
        unchanged=agreement_state,
    ),
    # The approved text is closed: nobody edits it until it is agreed.
    Row("agreements:edit", setup=agreement_in("approved"), expect=writers(DIALOGUE_READERS, writers=())),
    Row(
        "agreements:introduction_save",
        method="POST",
        setup=agreement_in("approved"),
        data=lambda o: {"introduction": "Overwritten", "version": o._agreement.version},
        expect=writers(DIALOGUE_READERS, writers=()),
        unchanged=agreement_state,
    ),
    Row(
        "agreements:activate",
        method="POST",
        setup=agreement_in("agreed"),
        expect=writers(AGREED_READERS),
        unchanged=agreement_state,
    ),
    Row(
        "agreements:evaluate",
        method="POST",
        setup=agreement_in("active"),
        expect=writers(AGREED_READERS),
        unchanged=agreement_state,
    ),
    Row(
        "agreements:archive",
        method="POST",
        setup=agreement_in("evaluated"),
        expect=writers(DIALOGUE_READERS),
        unchanged=agreement_state,
    ),
    Row(
        "agreements:follow_up",
        kwargs={"point": "mid_year"},
        setup=agreement_in("active"),
        expect=writers(AGREED_READERS, 200),
    ),
    Row("agreements:revisions", setup=agreement_in("agreed"), expect=readers(AGREED_READERS)),
    Row("agreements:pdf", setup=agreement_in("in_dialogue"), expect=readers(DIALOGUE_READERS)),
    Row(
        "agreements:goal_save",
        method="POST",
        setup=goal_in("draft"),
        data=lambda o: goal_post(o._goal, title="Overwritten"),
        expect=writers(DRAFT_READERS),
        unchanged=goal_state,
    ),
    Row(
        "agreements:goal_move",
        method="POST",
        setup=goal_in("draft"),
        data={"direction": "up"},
        expect=writers(DRAFT_READERS),
        unchanged=goal_state,
    ),
    Row(
        "agreements:goal_delete",
        method="POST",
        setup=goal_in("draft"),
        expect=writers(DRAFT_READERS),
        unchanged=goal_state,
    ),
    Row(
        "agreements:milestone_add",
        method="POST",
        setup=goal_in("draft"),
        data=lambda o: {f"milestone-{o._goal.pk}-title": "Trin", f"milestone-{o._goal.pk}-due_on": "2027-05-01"},
        expect=writers(DRAFT_READERS),
        unchanged=lambda o: Milestone.objects.count(),
    ),
    Row(
        "agreements:milestone_delete",
        method="POST",
        setup=milestone_in("draft"),
        expect=writers(DRAFT_READERS),
        unchanged=lambda o: Milestone.objects.count(),
    ),
    Row(
        "agreements:comment_add",
        method="POST",
        setup=goal_in("in_dialogue"),
        data={"text": "En kommentar"},
        expect=readers(DIALOGUE_READERS, 302),
        unchanged=lambda o: GoalComment.objects.count(),
    ),
    Row(
        "agreements:comment_add",
        method="POST",
        setup=goal_in("agreed"),
        data={"text": "En kommentar"},
        expect=readers(AGREED_READERS, 302, employee=403, union_rep=403, med_contact=403),
        unchanged=lambda o: GoalComment.objects.count(),
    ),
]
