"""The challenges list for the leadership read off its own index (issue 19)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('stories', '0006_story_goal_link'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='story',
            index=models.Index(condition=models.Q(('kind', 'challenge'), ('status', 'published')), fields=['-published_at', '-id'], name='story_challenges_recent'),
        ),
    ]
