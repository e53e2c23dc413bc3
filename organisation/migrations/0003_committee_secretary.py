"""The committee secretary role (cases/): a membership in a committee that gives no seat.

Reversible while nobody holds the role: going back restores the old role choices and
constraint. The previous release cannot hold a committee secretary, so the way back refuses
(before changing anything of this migration) while such a membership exists; remove those
memberships first (README, upgrade notes)."""

from django.conf import settings
from django.core.management.base import CommandError
from django.db import migrations, models


def refuse_with_secretaries(apps, schema_editor):
    Membership = apps.get_model("organisation", "Membership")
    held = Membership.objects.filter(role="committee_secretary").count()
    if held:
        raise CommandError(
            f"organisation.0003_committee_secretary cannot be rolled back: {held} committee secretary "
            "membership(s) exist, which the previous release cannot hold. Remove them first."
        )


class Migration(migrations.Migration):

    dependencies = [
        ('organisation', '0002_workplace_kinds'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Last on the way back: checked before the constraint and choices change.
        migrations.RunPython(migrations.RunPython.noop, refuse_with_secretaries),
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
