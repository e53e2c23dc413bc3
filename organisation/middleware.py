"""Old addresses keep working after a rename of their slug (see organisation/slugs.py)."""

from __future__ import annotations

from django.http import HttpResponsePermanentRedirect


class FormerAddressMiddleware:
    """On a 404 for GET/HEAD, redirect when a path segment is a recorded former slug.

    Only 404s pay for the look-up (one query), so ordinary pages cost nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        segments = request.path.split("/")
        candidates = {segment for segment in segments if segment and len(segment) <= 120}
        if not candidates:
            return response
        from .models import SlugAlias

        renamed = dict(SlugAlias.objects.filter(old__in=candidates).values_list("old", "new")[:10])
        if not renamed:
            return response
        path = "/".join(renamed.get(segment, segment) for segment in segments)
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(path + ("?" + query if query else ""))
