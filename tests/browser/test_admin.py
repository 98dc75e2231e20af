"""Django admin in a browser: every page fits a phone (no field past the right edge, a table's
rows as labelled cards), axe finds nothing, and an ability's examples are edited on its page."""

import pytest

from abilities.models import Ability
from milestones.models import Example
from observations.models import Conversation, Observation
from organizations.models import Membership
from tests.browser.conftest import look_at, sign_in

# Every element that takes input or is read whose right edge is past the window's, except in
# a list of rows (admin's change lists scroll sideways, by design).
PAST_THE_EDGE = """() => [...document.querySelectorAll(
    'input:not([type=hidden]), select, textarea, button, label, th, td, a, p, h1, h2')]
  .filter(e => { const box = e.getBoundingClientRect();
    return box.width > 0 && box.right > document.documentElement.clientWidth
      && !e.closest('#changelist .results'); })
  .map(e => e.outerHTML.slice(0, 80))"""


def admin_pages() -> dict[str, str]:
    servers = Ability.objects.get(organization__slug="medium", slug="servers")
    member = Membership.objects.get(user__username="medium-member")
    observation = Observation.objects.filter(organization=member.organization).first()
    conversation = Conversation.objects.filter(ability__organization=member.organization).first()
    return {
        "index": "/admin/",
        "abilities": "/admin/abilities/ability/",
        "ability": f"/admin/abilities/ability/{servers.pk}/change/",
        "ability-add": "/admin/abilities/ability/add/",
        "milestone": f"/admin/milestones/milestone/{servers.milestones.get(level=1).pk}/change/",
        "achievement-add": "/admin/milestones/achievement/add/",
        "role": f"/admin/organizations/role/{member.organization.roles.first().pk}/change/",
        "membership": f"/admin/organizations/membership/{member.pk}/change/",
        "organization": f"/admin/organizations/organization/{member.organization_id}/change/",
        "observation": f"/admin/observations/observation/{observation.pk}/change/",
        "conversation": f"/admin/observations/conversation/{conversation.pk}/change/",
    }


@pytest.mark.parametrize("width", [390, 1366])
def test_every_admin_page_fits_the_screen_and_passes_axe(page, demo_server, output_dir, width):
    sign_in(page, demo_server, "medium-admin")
    for name, url in admin_pages().items():
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{demo_server}{url}")
        page.wait_for_load_state("load")
        assert page.evaluate(PAST_THE_EDGE) == [], (name, width)
        look_at(page, output_dir, f"admin-{name}", widths=[width])


def test_a_table_of_examples_becomes_labelled_cards_on_a_phone(page, demo_server):
    sign_in(page, demo_server, "medium-admin")
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{demo_server}{admin_pages()['ability']}")
    first = page.locator("#examples-0")
    labels = first.locator("td").evaluate_all(
        "cells => cells.map(cell => getComputedStyle(cell, '::before').content)"
    )
    assert labels[1:] == ['"Milestone"', '"Position"', '"Behaviour"', '"Example task"', '"Delete?"']
    # One card: the fields stand one above the other, each as wide as the card.
    boxes = [first.locator(f"#id_examples-0-{field}").bounding_box() for field in
             ("level", "position", "behaviour", "example_task")]  # fmt: skip
    assert [box["y"] for box in boxes] == sorted(box["y"] for box in boxes)
    assert {round(box["width"]) for box in boxes} == {round(boxes[0]["width"])}
    assert boxes[0]["width"] > 300
    # By keyboard, a card's fields come in reading order.
    page.locator("#id_examples-0-level").focus()
    visited = []
    for _ in range(4):
        page.keyboard.press("Tab")
        visited.append(page.evaluate("document.activeElement.id"))
    assert visited == [f"id_examples-0-{name}" for name in
                       ("position", "behaviour", "example_task", "DELETE")]  # fmt: skip
    # The blank row "Add another" copies stays out of sight, here and on a role's page.
    assert page.locator("#examples-empty").is_hidden()
    page.goto(f"{demo_server}{admin_pages()['role']}")
    assert page.locator("#requirements-empty").is_hidden()
    assert page.locator("#requirements-0 td.delete").is_visible()


def test_an_example_is_added_and_moved_from_the_ability_page_on_a_phone(
    page, demo_server, output_dir
):
    servers = Ability.objects.get(organization__slug="medium", slug="servers")
    moving = Example.objects.get(
        milestone__ability=servers, behaviour__startswith="Writes playbooks"
    )
    sign_in(page, demo_server, "medium-admin")
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{demo_server}{admin_pages()['ability']}")

    page.get_by_role("button", name="Add another Example").click()
    new_row = page.locator("#examples-group tr.form-row.dynamic-examples").last
    new_row.get_by_label("Milestone").select_option(label="Milestone 2")
    new_row.get_by_label("Behaviour").fill("Reviews a colleague's service design")
    new_row.get_by_label("Example task").fill("Reviewed the feed service's design")
    row = page.locator(
        "#examples-group tr.form-row", has=page.get_by_text("Writes playbooks", exact=False)
    ).first
    row.get_by_label("Milestone").select_option(label="Milestone 4")
    look_at(page, output_dir, "admin-ability-example-added", widths=[390])
    page.get_by_role("button", name="Save", exact=True).click()

    assert (
        "was changed successfully"
        in page.get_by_role("status").or_(page.locator(".messagelist")).first.inner_text()
    )
    added = Example.objects.get(behaviour="Reviews a colleague's service design")
    assert (added.milestone.ability, added.milestone.level, added.position) == (servers, 2, 4)
    assert added.example_task == "Reviewed the feed service's design"
    moving.refresh_from_db()
    assert (moving.milestone.level, moving.position) == (4, 4)
