from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class SamspilAdminSite(admin.AdminSite):
    site_header = _("Samspil administration")
    site_title = "Samspil"
    index_title = _("Master data")

    def has_permission(self, request) -> bool:
        # Portal administrators are a role (a membership), not Django's is_staff flag.
        # Imported here: this module loads with the app registry, before models.
        from organisation.roles import roles_of

        user = request.user
        return user.is_active and (user.is_staff or roles_of(user).is_administrator)


class SamspilAdminConfig(AdminConfig):
    default_site = "portal.admin_site.SamspilAdminSite"
