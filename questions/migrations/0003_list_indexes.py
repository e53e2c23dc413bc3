"""The questions list read off indexes: each tab's page in its order, the figures from the
index alone (issue 19)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('questions', '0002_text_bounds'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='question',
            index=models.Index(condition=models.Q(('status', 'answered'), _negated=True), fields=['deadline', 'id'], name='question_open_deadline'),
        ),
        migrations.AddIndex(
            model_name='question',
            index=models.Index(condition=models.Q(('status', 'answered')), fields=['-answered_at', 'id'], name='question_answered_recent'),
        ),
        migrations.AddIndex(
            model_name='question',
            index=models.Index(fields=['status', 'answered_at', 'asked_at'], name='question_figures'),
        ),
    ]
