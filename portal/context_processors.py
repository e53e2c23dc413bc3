from django.conf import settings

from organisation.roles import roles_of

from . import navigation


def portal(request) -> dict:
    roles = roles_of(getattr(request, "user", None))
    return {
        "roles": roles,
        "nav_items": navigation.items_for(roles, request.path) if request.user.is_authenticated else [],
        "municipality_name": settings.MUNICIPALITY_NAME,
        "accessibility_statement_url": settings.ACCESSIBILITY_STATEMENT_URL,
    }
