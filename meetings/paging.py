"""A page of a list and the list's length in one query.

Django's Paginator asks COUNT(*) first and then the page's rows: two round trips, and
PostgreSQL plans and runs the list's filters twice. Here the rows carry the length
(`COUNT(*) OVER ()`, computed before the LIMIT), so a page in range costs one query.
A page past the end (or below 1) falls back to the Paginator's own answer: the last page,
as Paginator.get_page gives, for one more query.
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window

_TOTAL = "paging_total"


def page_of(queryset: QuerySet, per_page: int, number) -> Page:
    """What Paginator(queryset, per_page).get_page(number) gives, in one query when the
    page is in range."""
    paginator = Paginator(queryset, per_page)
    try:
        if isinstance(number, float) and not number.is_integer():
            raise ValueError
        number = int(number)
    except (TypeError, ValueError):
        number = 1
    if number >= 1:
        bottom = (number - 1) * per_page
        rows = list(queryset.annotate(**{_TOTAL: Window(Count("*"))})[bottom : bottom + per_page])
        if rows:
            paginator.count = getattr(rows[0], _TOTAL)
            return Page(rows, number, paginator)
        if number == 1:
            paginator.count = 0
            return Page(rows, number, paginator)
    return paginator.get_page(number)
