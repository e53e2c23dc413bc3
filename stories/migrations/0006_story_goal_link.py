"""A story links to its agreement goal (issue 16.8) instead of naming it in free text.

Forward: the text is matched to a goal of the story's own workplace's agreements by title
(ignoring case and surrounding spaces; the newest period first); a text that matches no goal
is dropped with the column. Backward: the linked goal's title goes back into the text.
"""

import django.db.models.deletion
from django.db import migrations, models


def link_goals(apps, schema_editor):
    Story = apps.get_model("stories", "Story")
    Goal = apps.get_model("agreements", "Goal")
    for story in Story.objects.exclude(related_goal="").only("pk", "workplace_id", "related_goal").iterator():
        goal = (
            Goal.objects.filter(agreement__workplace_id=story.workplace_id, title__iexact=story.related_goal.strip())
            .order_by("-agreement__template__period_start", "pk")
            .first()
        )
        if goal is not None:
            Story.objects.filter(pk=story.pk).update(goal=goal)


def name_goals(apps, schema_editor):
    Story = apps.get_model("stories", "Story")
    for story in Story.objects.filter(goal__isnull=False).select_related("goal").iterator():
        Story.objects.filter(pk=story.pk).update(related_goal=story.goal.title[:200])


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0004_merge_field_versions_text_bounds"),
        ("stories", "0005_merge_challenges_waiting_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="story",
            name="goal",
            field=models.ForeignKey(
                blank=True,
                help_text="Optional: the development agreement goal the story tells about.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="stories",
                to="agreements.goal",
                verbose_name="agreement goal",
            ),
        ),
        migrations.RunPython(link_goals, name_goals),
        migrations.RemoveField(model_name="story", name="related_goal"),
    ]
