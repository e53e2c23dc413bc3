import datetime as dt

from django.utils import timezone

from questions import services

TEXT = "Hvordan bruger I udeskolen i vintermånederne?\n\nOg hvad ville hjælpe jer?  "


def ask(org, **overrides):
    values = {
        "asker": org.member,
        "committee_id": org.committee.pk,
        "workplace_ids": [org.workplace.pk],
        "text": TEXT,
        "deadline": timezone.localdate() + dt.timedelta(days=14),
        "not_about_a_person": True,
    }
    values.update(overrides)
    return services.question_ask(**values)[0]


def answered(org):
    question = ask(org)
    services.question_answer(question=question, by=org.leader, answer="Vi går ud hver tirsdag.")
    return question
