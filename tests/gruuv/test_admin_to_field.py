"""Admin's `_to_field` parameter, empty: Django reads it as a field named "" and fails."""

import pytest
from django.urls import reverse

from tests.factories import RoleFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["superuser", "admin"])
def test_an_empty_to_field_is_the_plain_page_not_a_500(client, admin, organization, who):
    role = RoleFactory(organization=organization)
    user = UserFactory(is_staff=True, is_superuser=True) if who == "superuser" else admin.user
    client.force_login(user)
    change = reverse("admin:organizations_role_change", args=[role.pk])
    assert client.get(change, {"_to_field": ""}).status_code == 200
    changelist = reverse("admin:organizations_role_changelist")
    assert client.get(changelist, {"_to_field": ""}).status_code == 200
    missing = reverse("admin:organizations_role_change", args=["x"])
    assert client.get(missing, {"_to_field": ""}).status_code == 404


def test_users_and_groups_take_an_empty_to_field_too(client, admin):
    from django.contrib.auth.models import Group

    group = Group.objects.create(name="Editors")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for url in (
        reverse("admin:organizations_user_change", args=[admin.user.pk]),
        reverse("admin:auth_group_change", args=[group.pk]),
    ):
        assert client.get(url, {"_to_field": ""}).status_code == 200, url
