"""Who may use each question URL. Readers: the asker, the committee asked from, the
workplace's staff, the centre head (copied) and the leadership; never anonymous."""

from questions.models import Question
from tests.access import Row, everyone
from tests.questions.helpers import answered, ask

READERS = {
    "admin": 200,
    "director": 200,
    "chair": 200,
    "member": 200,
    "leader": 200,
    "employee": 200,
    "union_rep": 200,
    "med_contact": 200,
    "centre_head": 200,
}


def open_question(o):
    return {"pk": ask(o).pk}


def answered_question(o):
    return {"pk": answered(o).pk}


def rows(o):
    return sorted(
        Question.objects.values_list(
            "status", "answer", "deadline", "asker_agrees_to_publish", "workplace_agrees_to_publish"
        )
    )


def leader_only(status):
    return {role: (status if role == "leader" else 403 if code == 200 else code) for role, code in READERS.items()}


ROWS = [
    Row("questions:list", expect=everyone(200)),
    Row("questions:ask", expect={"chair": 200, "member": 200, "other_member": 200}, others=403),
    Row("questions:detail", setup=open_question, expect=READERS),
    Row("questions:hand_over", method="POST", setup=open_question, expect=leader_only(400), unchanged=rows),
    Row(
        "questions:answer",
        method="POST",
        setup=open_question,
        data={"answer": "Svar"},
        expect=leader_only(302),
        unchanged=rows,
    ),
    Row("questions:move_deadline", method="POST", setup=open_question, expect=leader_only(400), unchanged=rows),
    Row(
        "questions:agree_to_publish",
        method="POST",
        setup=answered_question,
        # The asker and the leader agree; every other reader is refused (403).
        expect={**{role: 403 for role in READERS}, "member": 302, "leader": 302},
        unchanged=rows,
    ),
]
