from django.contrib.auth.models import AnonymousUser


def test_administrators_get_the_admins_model_permissions(org):
    assert org.admin.has_perm("organisation.change_workplace")
    assert org.admin.has_perm("organisation.view_membership")
    assert org.admin.has_module_perms("organisation")


def test_administrators_get_no_custom_or_object_permissions_from_their_role_alone(org):
    from accounts.backends import AdministratorBackend

    backend = AdministratorBackend()
    assert not backend.has_perm(org.admin, "organisation.change_workplace", org.workplace)
    assert not backend.has_perm(org.admin, "agreements.approve_agreement")
    assert not backend.has_perm(org.admin, "organisation.change_nosuchmodel")
    assert not backend.has_perm(org.admin, "auth.change_group")


def test_other_roles_get_nothing_from_the_administrator_backend(org):
    from accounts.backends import AdministratorBackend

    backend = AdministratorBackend()
    assert not backend.has_perm(org.leader, "organisation.change_workplace")
    assert not backend.has_module_perms(AnonymousUser(), "organisation")
