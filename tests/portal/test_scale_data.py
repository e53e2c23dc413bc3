"""The scale data generator (devtools/management/commands/scale_data.py) at a tiny size."""

from io import StringIO

from django.core.management import call_command
from django.db.models import F

from agreements.models import Agreement, Goal, GoalComment
from codex.models import Signature
from codex.services import chain_verify
from meetings.models import Meeting, Minutes, Participant, VisitSlot
from organisation.models import Committee, Membership, Workplace
from questions.models import Question
from stories.models import Story
from tests.codex.helpers import publish_version


def test_the_scale_generator_builds_every_kind_of_row_and_keeps_the_signature_chain_intact(org, settings):
    # A development tool: installed where DEBUG or SAMSPIL_DEVTOOLS is on, as bench/run does.
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "devtools"]
    version = publish_version(org.admin)
    call_command(
        "scale_data",
        without_demo=True,
        workplaces=20,
        committees=2,
        people=100,
        meetings=200,
        visit_times=30,
        agreements=40,
        stories=50,
        challenges=30,
        questions=40,
        signatures=60,
        stdout=StringIO(),
        stderr=StringIO(),
    )
    assert Committee.objects.filter(slug__startswith="skala-").count() == 2
    assert Workplace.objects.filter(slug__startswith="skala-").count() == 20
    # Each generated workplace has its leader, each committee its eleven politicians.
    assert Membership.objects.filter(workplace__slug__startswith="skala-", role="workplace_leader").count() == 20
    assert Membership.objects.filter(committee__slug__startswith="skala-").count() == 22
    assert Meeting.objects.filter(committee__slug__startswith="skala-").count() == 200
    assert Participant.objects.filter(meeting__committee__slug__startswith="skala-").count() >= 400
    held = Meeting.objects.filter(committee__slug__startswith="skala-", status="held").count()
    assert Minutes.objects.filter(meeting__committee__slug__startswith="skala-", status="locked").count() == held
    assert VisitSlot.objects.filter(workplace__slug__startswith="skala-").count() == 30
    assert Agreement.objects.filter(workplace__slug__startswith="skala-").count() == 40
    assert Goal.objects.filter(agreement__workplace__slug__startswith="skala-").count() == 120
    assert GoalComment.objects.filter(goal__agreement__workplace__slug__startswith="skala-").count() == 120
    assert Story.objects.filter(workplace__slug__startswith="skala-", kind="story").count() == 50
    assert Story.objects.filter(workplace__slug__startswith="skala-", kind="challenge").count() == 30
    assert Question.objects.filter(workplace__slug__startswith="skala-").count() == 40
    # Questions go to the workplaces their committee is responsible for.
    assert not Question.objects.exclude(workplace__committees=F("committee")).exists()
    assert Signature.objects.filter(version=version, person__email__endswith="@skala.example").count() == 60
    assert chain_verify().intact
