"""Demo: medlem@ has asked Egeskovskolen a question leder@ is to answer, and an earlier one
that medarbejder@ answered after the leader handed it over; another committee's answered
question gives the list its median."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .models import Question
from .services import question_answer, question_ask, question_hand_over


def load(context: dict, *, stdout=None) -> None:
    accounts, workplaces = context["accounts"], context["workplaces"]
    member, leader, employee = accounts["member"], accounts["leader"], accounts["employee"]
    school = workplaces["egeskovskolen"]
    committee_id = school.committees.values_list("pk", flat=True).first()
    today = timezone.localdate()
    question_ask(
        asker=member,
        committee_id=committee_id,
        workplace_ids=[school.pk],
        text=(
            "Hvordan oplever I, at den nye skemamodel med længere frikvarterer virker for de yngste "
            "elever?\n\nJeg vil gerne forstå det, før vi drøfter evalueringen i udvalget."
        ),
        deadline=today + dt.timedelta(days=9),
        not_about_a_person=True,
    )
    [earlier] = question_ask(
        asker=member,
        committee_id=committee_id,
        workplace_ids=[school.pk],
        text="Hvor mange af jeres elever bruger udeskolen mindst én gang om ugen, og hvad skal der til for at flere gør?",
        deadline=today + dt.timedelta(days=5),
        not_about_a_person=True,
    )
    question_hand_over(question=earlier, by=leader, assignee_id=employee.pk)
    question_answer(
        question=earlier,
        by=employee,
        answer=(
            "Omkring 60 % af eleverne er ude hver uge, især i indskolingen. Flere ville komme ud, "
            "hvis vi havde et overdækket udeområde og tid til at planlægge sammen på tværs af årgange."
        ),
    )
    Question.objects.filter(pk=earlier.pk).update(
        asked_at=timezone.now() - dt.timedelta(days=12), answered_at=timezone.now() - dt.timedelta(days=8)
    )
    if stdout is not None:
        stdout.write(f"  questions: one waiting for {leader.email}, one answered by {employee.email}")
