"""Samspil's workplace tables, read-only and unmanaged: the bare floor's 50 rows."""

from django.db import models


class WorkplaceKind(models.Model):
    name = models.CharField(max_length=100)

    class Meta:
        managed = False
        db_table = "organisation_workplacekind"

    def __str__(self) -> str:
        return self.name


class Workplace(models.Model):
    name = models.CharField(max_length=200)
    kind = models.ForeignKey(WorkplaceKind, on_delete=models.DO_NOTHING)
    postcode = models.CharField(max_length=10)
    city = models.CharField(max_length=100)

    class Meta:
        managed = False
        db_table = "organisation_workplace"

    def __str__(self) -> str:
        return self.name
