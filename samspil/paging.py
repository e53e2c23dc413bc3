"""The page number as Django's Paginator.get_page reads it, for the lists that fetch a
page and its total in one query (meetings.selectors.page_of and the lists beside it), and
the pages' links for a Jinja2 body (meetings/_pages.jinja)."""

from __future__ import annotations

from django.db.models import F, Func, IntegerField, QuerySet, Subquery


def page_number(number) -> int:
    """`?page=` as a whole number: anything else (missing, text, 2.5) is page 1; a number
    below 1 stays, so the caller answers it with the last page as get_page does."""
    try:
        if isinstance(number, float) and not number.is_integer():
            raise ValueError
        return int(number)
    except (TypeError, ValueError):
        return 1


def page_query(request):
    """`page_query(n)` for the pagination macro (meetings/_pages.jinja): the query string
    with page n, as {% query_with page=n %} writes it (portal/templatetags/portal.py)."""

    def query(number) -> str:
        query = request.GET.copy()
        query["page"] = number
        return query.urlencode()

    return query


def total_of(queryset: QuerySet) -> Subquery:
    """`queryset.count()` as a scalar subquery beside a page's rows: not correlated, so the
    database counts once and the page's rows keep a plan that stops at the page, which
    `COUNT(*) OVER ()` over the joined rows would give up."""
    return Subquery(
        queryset.order_by().annotate(_n=Func(F("pk"), function="COUNT")).values("_n"), output_field=IntegerField()
    )
