from organisation.models import Workplace
from tests.access import Row, everyone

ROWS = [
    Row("organisation:committees", expect=everyone(200)),
    Row("organisation:committee", kwargs=lambda o: {"slug": o.committee.slug}, expect=everyone(200)),
    Row("organisation:workplaces", expect=everyone(200)),
    Row("organisation:workplace", kwargs=lambda o: {"slug": o.workplace.slug}, expect=everyone(200)),
    Row(
        "organisation:workplace_edit",
        kwargs=lambda o: {"slug": o.workplace.slug},
        expect={"admin": 200, "leader": 200},
        others=403,
    ),
    Row(
        "organisation:workplace_edit",
        method="POST",
        kwargs=lambda o: {"slug": o.workplace.slug},
        data={"description": "Overwritten", "address": "x"},
        expect={"admin": 302, "leader": 302},
        others=403,
        unchanged=lambda o: Workplace.objects.get(pk=o.workplace.pk).description,
    ),
    # Administrator pages: forced-MFA redirect is tested in tests/accounts; here the
    # administrator has no second factor yet, so the answer is the enrolment redirect.
    Row("organisation:import", expect={"admin": 200}, others=403),
    Row("organisation:import_job", kwargs={"pk": 999999}, expect={"admin": 404}, others=403),
]
