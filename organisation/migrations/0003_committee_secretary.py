"""The committee secretary role (cases/): a membership in a committee that gives no seat.

Reversible: going back restores the old role choices and constraint (drop secretary rows first)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('organisation', '0002_workplace_kinds'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='membership',
            name='membership_role_matches_unit',
        ),
        migrations.AlterField(
            model_name='membership',
            name='role',
            field=models.CharField(choices=[('committee_member', 'committee member'), ('committee_chair', 'committee chair'), ('committee_secretary', 'committee secretary'), ('workplace_leader', 'workplace leader'), ('employee', 'employee'), ('union_rep', 'union representative'), ('centre_head', 'centre head'), ('director', 'director'), ('administrator', 'administrator')], max_length=30, verbose_name='role'),
        ),
        migrations.AddConstraint(
            model_name='membership',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('centre__isnull', True), ('committee__isnull', False), ('role__in', ['committee_chair', 'committee_member', 'committee_secretary']), ('workplace__isnull', True)), models.Q(('centre__isnull', True), ('committee__isnull', True), ('role__in', ['employee', 'union_rep', 'workplace_leader']), ('workplace__isnull', False)), models.Q(('centre__isnull', False), ('committee__isnull', True), ('role__in', ['centre_head']), ('workplace__isnull', True)), models.Q(('centre__isnull', True), ('committee__isnull', True), ('role__in', ['administrator', 'director']), ('workplace__isnull', True)), _connector='OR'), name='membership_role_matches_unit'),
        ),
    ]
