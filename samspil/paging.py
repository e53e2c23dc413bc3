"""The page number as Django's Paginator.get_page reads it, for the lists that fetch a
page and its total in one query (meetings.selectors.page_of and the lists beside it), and
the pages' links for a Jinja2 body (meetings/_pages.jinja)."""

from __future__ import annotations


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
