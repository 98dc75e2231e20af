import pytest
from playwright.sync_api import expect

from organizations.models import Organization
from tests.factories import AbilityFactory, ObservationFactory, RequirementFactory
from tests.reference.seed import SEED_PAGES, expected_lines, missing_lines, normalize


def visible_lines(page) -> list[str]:
    text = page.inner_text("body")
    return [
        normalize(part) for line in text.splitlines() for part in line.split("\t") if part.strip()
    ]


@pytest.mark.parametrize(("org", "slug"), list(SEED_PAGES))
def test_demo_ability_page_shows_every_line_of_its_seed(page, demo_server, org, slug):
    page.goto(f"{demo_server}/{org}/abilities/{slug}/")
    assert missing_lines(expected_lines(SEED_PAGES[(org, slug)]), visible_lines(page)) == []


def test_milestone_anchor_links_deep_into_the_ladder(page, demo_server):
    page.goto(f"{demo_server}/lessonly/abilities/infrastructure/#milestone-3")
    expect(page.locator("#milestone-3")).to_be_in_viewport()
    page.get_by_role("link", name="Tier 4 Escalation Engineers").click()
    expect(page.get_by_role("heading", name="Tier 4 Escalation Engineer")).to_be_visible()


def test_screenshots_of_the_ability_page(page, demo_server, output_dir):
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{demo_server}/medium/abilities/servers/")
        path = output_dir / f"servers-{width}.png"
        page.screenshot(path=path, full_page=True)
        assert path.stat().st_size > 10_000
        # Nothing runs off the side of a phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.fixture
def medium_with_more_abilities(demo_server):
    medium = Organization.objects.get(slug="medium")
    AbilityFactory(organization=medium, name="Mobile", summary="Native apps on phones")
    AbilityFactory(organization=medium, name="Web client", summary="Fast pages in the browser")
    return demo_server


def ability_names(page) -> list[str]:
    return page.locator("#ability-list h2").all_inner_texts()


def test_typing_in_the_filter_narrows_the_list_without_a_page_load(
    page, medium_with_more_abilities
):
    page.goto(f"{medium_with_more_abilities}/medium/")
    every = Organization.objects.get(slug="medium").abilities.count()  # the story's too
    expect(page.locator("#ability-list h2")).to_have_count(every)
    page.evaluate("window.notReloaded = true")

    page.get_by_label("Filter abilities").press_sequentially("server", delay=50)
    expect(page.locator("#ability-list h2")).to_have_count(1)
    assert ability_names(page) == ["Servers"]
    expect(page).to_have_url(f"{medium_with_more_abilities}/medium/?q=server")
    assert page.evaluate("window.notReloaded") is True

    # The URL is the list: a reload (or a shared link) shows the same thing.
    page.reload()
    assert ability_names(page) == ["Servers"]
    expect(page.get_by_label("Filter abilities")).to_have_value("server")


def test_needs_attention_toggle_narrows_the_list(page, medium_with_more_abilities):
    medium = Organization.objects.get(slug="medium")
    healthy = medium.abilities.get(name="Mobile")
    RequirementFactory(ability=healthy)
    ObservationFactory(organization=medium, ability=healthy)
    page.goto(f"{medium_with_more_abilities}/medium/")
    page.get_by_label("Only abilities that need attention").check()
    from django.utils import timezone

    from health.badges import needing_attention

    expected = needing_attention(medium.abilities.all(), timezone.now()).count()
    assert expected < medium.abilities.count()
    expect(page.locator("#ability-list h2")).to_have_count(expected)
    assert "Mobile" not in ability_names(page)
    expect(page).to_have_url(f"{medium_with_more_abilities}/medium/?q=&attention=1")


def test_the_filter_works_without_javascript(chromium, medium_with_more_abilities):
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{medium_with_more_abilities}/medium/")
    page.get_by_label("Filter abilities").fill("phones")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/medium/?q=phones")
    assert ability_names(page) == ["Mobile"]
    context.close()


def test_the_examples_header_takes_no_extra_room_on_a_phone(page, demo_server):
    """On a phone the examples table stacks; its screen-reader-only "Example tasks" heading
    must not leave an empty band with a second rule under "Examples"."""
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{demo_server}/medium/abilities/servers/")
    header = page.locator("table.examples").first.evaluate(
        "table => { const row = table.tHead.rows[0]; const [shown, hidden] = row.cells;"
        " return { row: row.getBoundingClientRect().height,"
        "   shown: shown.getBoundingClientRect().height,"
        "   hidden: hidden.getBoundingClientRect().height,"
        "   rule: parseFloat(getComputedStyle(row).borderBottomWidth) }; }"
    )
    assert header["hidden"] <= 1, header
    assert abs(header["row"] - header["shown"]) < 1, header
    assert header["rule"] == 0, header
