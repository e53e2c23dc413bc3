"""The MED contact role: the person a workplace names as its contact in MED (the
co-determination committee), told of the workplace's hearings (cases/).

Reversible while nobody holds the role: going back restores the old role choices and
constraint, which cannot hold a MED contact, so the way back refuses (before changing
anything of this migration) while such a membership exists; remove those memberships first
(README, upgrade notes)."""

from django.conf import settings
from django.core.management.base import CommandError
from django.db import migrations, models


def refuse_with_med_contacts(apps, schema_editor):
    Membership = apps.get_model("organisation", "Membership")
    held = Membership.objects.filter(role="med_contact").count()
    if held:
        raise CommandError(
            f"organisation.0006_membership_med_contact cannot be rolled back: {held} MED contact "
            "membership(s) exist, which the earlier role list cannot hold. Remove them first."
        )


class Migration(migrations.Migration):

    dependencies = [
        ('organisation', '0005_merge_secretary_bounds_slugs'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Last on the way back: checked before the constraint and choices change.
        migrations.RunPython(migrations.RunPython.noop, refuse_with_med_contacts),
        migrations.RemoveConstraint(
            model_name='membership',
            name='membership_role_matches_unit',
        ),
        migrations.AlterField(
            model_name='membership',
            name='role',
            field=models.CharField(choices=[('committee_member', 'committee member'), ('committee_chair', 'committee chair'), ('committee_secretary', 'committee secretary'), ('workplace_leader', 'workplace leader'), ('employee', 'employee'), ('union_rep', 'union representative'), ('med_contact', 'MED contact'), ('centre_head', 'centre head'), ('director', 'director'), ('administrator', 'administrator')], max_length=30, verbose_name='role'),
        ),
        migrations.AddConstraint(
            model_name='membership',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('centre__isnull', True), ('committee__isnull', False), ('role__in', ['committee_chair', 'committee_member', 'committee_secretary']), ('workplace__isnull', True)), models.Q(('centre__isnull', True), ('committee__isnull', True), ('role__in', ['employee', 'med_contact', 'union_rep', 'workplace_leader']), ('workplace__isnull', False)), models.Q(('centre__isnull', False), ('committee__isnull', True), ('role__in', ['centre_head']), ('workplace__isnull', True)), models.Q(('centre__isnull', True), ('committee__isnull', True), ('role__in', ['administrator', 'director']), ('workplace__isnull', True)), _connector='OR'), name='membership_role_matches_unit'),
        ),
    ]
