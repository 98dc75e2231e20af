"""Keyboard way-finding in a browser: the skip link, and a focus ring one can see."""

import re

from tests.browser.conftest import look_at, sign_in


def luminance(rgb: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(n) for n in re.findall(r"\d+", rgb)[:3])
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(one: str, other: str) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_first_tab_offers_a_skip_link_that_lands_in_the_content(page, demo_server, output_dir):
    sign_in(page, demo_server, "medium-manager")
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{demo_server}/medium/abilities/servers/")
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent.trim()")
        assert focused == "Skip to main content"
        box = page.locator(".skip-link").bounding_box()
        assert box["y"] >= 0 and box["height"] > 0  # shown on screen once focused
        page.screenshot(path=output_dir / f"skip-link-{width}.png")
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
        page.keyboard.press("Tab")  # the next stop is inside the content, not the header
        assert page.evaluate("document.activeElement.closest('main') !== null")


def test_the_filter_s_focus_ring_stands_out_from_the_page(page, demo_server):
    page.goto(f"{demo_server}/medium/")
    query = page.locator(".filter__query input")
    query.focus()
    style = query.evaluate(
        "e => { const s = getComputedStyle(e); return [s.outlineStyle, s.outlineWidth,"
        " s.outlineColor, getComputedStyle(e.closest('.card, main, body')).backgroundColor] }"
    )
    outline_style, width, color, background = style
    assert outline_style != "none" and float(width.rstrip("px")) >= 2
    if "rgba(0, 0, 0, 0)" in background:
        background = "rgb(255, 255, 255)"
    assert contrast(color, background) >= 3  # WCAG's non-text contrast for focus


def test_the_health_legend_opens_by_keyboard_and_passes_axe(page, demo_server, output_dir):
    page.goto(f"{demo_server}/medium/")
    summary = page.get_by_text("What the health labels mean")
    summary.focus()
    page.keyboard.press("Enter")
    assert page.locator(".health-legend").evaluate("e => e.open")
    look_at(page, output_dir, "organization-legend")


def test_the_history_page_reads_as_entries_and_passes_axe(page, demo_server, output_dir):
    page.goto(f"{demo_server}/medium/abilities/servers/history/")
    first = page.locator("article.change").first
    assert first.locator("h2").inner_text().startswith("Ability created, with 5 milestones")
    more = first.locator("details.change__more summary")
    more.focus()
    page.keyboard.press("Enter")
    assert first.locator("details.change__more").evaluate("e => e.open")
    look_at(page, output_dir, "history")


def test_the_chart_is_legible_and_full_width_on_a_phone_and_a_laptop(page, demo_server, output_dir):
    from axe_playwright_python.sync_playwright import Axe

    from milestones.models import Achievement
    from organizations.models import Membership

    member = Membership.objects.get(user__username="medium-member")
    servers = member.organization.abilities.get(slug="servers")
    Achievement.objects.create(membership=member, milestone=servers.milestones.get(level=2))
    sign_in(page, demo_server, "medium-manager")
    page.goto(f"{demo_server}/medium/people/medium-member/")
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        chart = page.locator("table.chart")
        card = chart.locator("xpath=ancestor::section[1]")
        sizes = chart.evaluate(
            "table => ({"
            " label: parseFloat(getComputedStyle(table.querySelector('th[scope=row]')).fontSize),"
            " value: parseFloat(getComputedStyle(table.querySelector('.chart__value')).fontSize),"
            " clipped: [...table.querySelectorAll('.chart__value, th[scope=row]')]"
            "   .some(e => e.scrollWidth > e.clientWidth + 1),"
            " width: table.getBoundingClientRect().width })"
        )
        inner = card.evaluate(
            "e => e.clientWidth - parseFloat(getComputedStyle(e).paddingLeft)"
            " - parseFloat(getComputedStyle(e).paddingRight)"
        )
        assert sizes["label"] >= 15 and sizes["value"] >= 15, (width, sizes)
        assert not sizes["clipped"], width
        assert sizes["width"] >= inner - 1, (width, sizes["width"], inner)  # the card's width
        servers_row = page.get_by_role("row", name=re.compile(r"^Servers"))
        assert servers_row.get_by_role("cell", name="Milestone 2").is_visible()
        # "Revoke" sits flush with the achievement's left or right edge, never indented.
        first = page.locator("li.achievement").first
        item = first.bounding_box()
        revoke = first.get_by_role("button", name="Revoke").bounding_box()
        left = abs(revoke["x"] - item["x"]) < 1
        right = abs(revoke["x"] + revoke["width"] - item["x"] - item["width"]) < 1
        assert left or right, (width, item, revoke)
        assert Axe().run(page).response["violations"] == [], width
        card.screenshot(path=output_dir / f"chart-{width}.png")
        page.screenshot(path=output_dir / f"person-with-award-{width}.png", full_page=True)
