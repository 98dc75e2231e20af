"""Export and import of a framework in Django admin, for an organization's admins."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from abilities.models import Ability
from framework.export import dump, export_framework
from tests.factories import AbilityFactory

pytestmark = pytest.mark.django_db


def export_url(organization, fmt="") -> str:
    url = reverse("admin:organizations_organization_export", args=[organization.pk])
    return f"{url}?format={fmt}" if fmt else url


def import_url(organization) -> str:
    return reverse("admin:organizations_organization_import", args=[organization.pk])


@pytest.fixture
def medium_admin(client, admin):
    client.force_login(admin.user)
    return client


def test_export_downloads_the_framework(medium_admin, organization):
    AbilityFactory(organization=organization, slug="servers", name="Servers")
    response = medium_admin.get(export_url(organization))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="medium.yaml"'
    assert "slug: servers" in response.content.decode()
    as_json = medium_admin.get(export_url(organization, "json"))
    assert as_json["Content-Type"] == "application/json"
    assert as_json.json()["abilities"][0]["slug"] == "servers"


def test_the_organization_page_links_to_export_and_import(medium_admin, organization):
    page = medium_admin.get(
        reverse("admin:organizations_organization_change", args=[organization.pk])
    ).content.decode()
    assert export_url(organization) in page
    assert import_url(organization) in page


def upload(text: str, name: str = "framework.yaml") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="application/octet-stream")


def test_import_previews_the_dry_run_and_saves_only_when_confirmed(medium_admin, organization):
    source = AbilityFactory(slug="servers", name="Servers", summary="Imported summary")
    text = dump(export_framework(source.organization))
    response = medium_admin.post(import_url(organization), {"file": upload(text)})
    assert response.status_code == 200
    assert "+ ability servers" in response.context["changes"]
    assert "Apply this change" in response.content.decode()
    assert not organization.abilities.exists()

    confirm = medium_admin.post(
        import_url(organization), {"content": response.context["content"], "fmt": "yaml"}
    )
    assert confirm.status_code == 302
    imported = organization.abilities.get(slug="servers")
    assert imported.summary == "Imported summary"
    entry = imported.history.latest()
    assert entry.history_user.pk == organization.memberships.get().user.pk
    assert entry.history_change_reason == "Framework import"


def test_an_invalid_upload_is_refused_with_its_places_and_saves_nothing(medium_admin, organization):
    response = medium_admin.post(
        import_url(organization), {"file": upload("format: gruuv-framework/1\nabilities:\n- {}\n")}
    )
    assert response.status_code == 422
    assert "abilities[0]: name is required" in response.content.decode()
    assert not Ability.objects.exists()


@pytest.mark.parametrize("name", ["s.csv", "S.CSV"])
def test_a_csv_upload_is_previewed_too(medium_admin, organization, name):
    sheet = "ability,level,behaviour,ability_summary\nServers,1,Adds endpoints,Server side\n"
    response = medium_admin.post(import_url(organization), {"file": upload(sheet, name)})
    assert "+ ability servers milestone 1 example 1" in response.context["changes"]
    assert not Ability.objects.exists()


def test_another_organizations_framework_is_404(medium_admin, other_organization):
    assert medium_admin.get(export_url(other_organization)).status_code == 404
    assert medium_admin.get(import_url(other_organization)).status_code == 404
    text = dump({"format": "gruuv-framework/1", "abilities": []})
    response = medium_admin.post(import_url(other_organization), {"content": text, "fmt": "yaml"})
    assert response.status_code == 404


def test_members_who_are_not_admins_cannot_export(client, manager, organization):
    client.force_login(manager.user)
    response = client.get(export_url(organization))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
