"""Pages a search engine and a slow phone line can use: described, compressed, valid times."""

import gzip
import re

import pytest

from tests.pages import html_of

pytestmark = pytest.mark.django_db


def description(response) -> str:
    return re.search(r'<meta name="description" content="([^"]*)">', html_of(response)).group(1)


def test_an_ability_page_is_described_by_its_summary(client, servers):
    servers.summary = "Develops expertise in server-side engineering"
    servers.save()
    response = client.get(f"/{servers.organization.slug}/abilities/servers/")
    assert description(response) == "Develops expertise in server-side engineering"


def test_an_organization_page_is_described_by_its_name_and_count(client, servers):
    response = client.get(f"/{servers.organization.slug}/")
    assert description(response) == (
        "Medium's growth framework on Gruuv: 1 ability, each with a ladder of milestones."
    )


def test_every_other_page_has_a_description(client, db):
    assert description(client.get("/")).startswith("Gruuv: growth frameworks for teams.")


def test_html_is_compressed_for_a_client_that_accepts_it(client, servers):
    path = f"/{servers.organization.slug}/abilities/servers/"
    plain = client.get(path)
    compressed = client.get(path, HTTP_ACCEPT_ENCODING="gzip")
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    assert len(compressed.content) < len(plain.content) / 2
    page = gzip.decompress(compressed.content).decode()
    assert "Servers" in page and page.count("<h1") == plain.content.decode().count("<h1")


def test_times_carry_at_most_three_digits_of_a_second(client, demo):
    page = client.get("/medium/abilities/servers/history/").content.decode()
    stamps = re.findall(r'<time datetime="([^"]+)"', page)
    assert stamps
    for stamp in stamps:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}", stamp), stamp
