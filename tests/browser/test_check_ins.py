"""A whole check-in in a real browser, the person and their manager each in their own browser
context, with JavaScript and without: opened, proposed on blind, compared, finalized,
acknowledged; axe-clean at a phone's and a laptop's width along the way."""

import pytest
from playwright.sync_api import expect

from checkins.models import CheckIn, State
from milestones.models import Achievement
from tests.browser.conftest import look_at, sign_in, watched_page


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_whole_check_in_with_two_people(chromium, demo_server, output_dir, javascript):
    # The demo's check-in under way makes way for this one.
    CheckIn.objects.filter(
        person__user__username="medium-member", finalized_at__isnull=True
    ).delete()
    person, person_errors = watched_page(chromium, java_script_enabled=javascript)
    manager, manager_errors = watched_page(chromium, java_script_enabled=javascript)
    name = f"check-in-{'js' if javascript else 'no-js'}"

    def look(page, step: str) -> None:
        """axe runs in the page, so only with JavaScript; without, the same HTML, pictured."""
        if javascript:
            look_at(page, output_dir, step)
        else:
            page.screenshot(path=output_dir / f"{step}-1280.png", full_page=True)

    # The person opens one on Incident Response and Mentoring.
    sign_in(person, demo_server, "medium-member")
    person.goto(f"{demo_server}/medium/check-ins/")
    person.get_by_role("link", name="Start a check-in").click()
    for box in person.locator("input[name=abilities]:checked").all():
        box.uncheck()
    person.get_by_label("Incident Response").check()
    person.get_by_label("Mentoring").check()
    person.get_by_role("button", name="Start the check-in").click()
    expect(person.get_by_role("status")).to_contain_text("Check-in opened")
    person.get_by_label("Milestone for Incident Response").select_option("3")
    person.get_by_label("Why, for Incident Response").fill("I led the outage and its review.")
    person.locator("fieldset", has_text="Evidence for Incident Response").locator(
        "input[type=checkbox]"
    ).first.check()
    person.get_by_label("Milestone for Mentoring").select_option("2")
    person.get_by_role("button", name="Hand in").click()
    expect(person.get_by_text("Waiting for the manager: both sides'")).to_be_visible()
    look(person, f"{name}-person-handed-in")

    # The manager finds it among their reports', sees only that it was handed in.
    sign_in(manager, demo_server, "medium-manager")
    manager.goto(f"{demo_server}/medium/check-ins/")
    manager.get_by_role("link", name="medium-member ·").click()
    expect(manager.get_by_text("Handed in; shown once both have.").first).to_be_visible()
    expect(manager.get_by_text("I led the outage and its review.")).to_have_count(0)
    manager.get_by_label("Milestone for Incident Response").select_option("3")
    manager.get_by_label("Why, for Incident Response").fill("Agreed: a clean, calm lead.")
    manager.get_by_label("Milestone for Mentoring").select_option("1")
    manager.get_by_role("button", name="Hand in").click()

    # Both see both, the difference marked; the manager finalizes what they agree.
    expect(manager.get_by_text("I led the outage and its review.")).to_be_visible()
    expect(manager.get_by_text("≠ The proposals differ.")).to_have_count(1)
    look(manager, f"{name}-manager-ready")
    manager.get_by_label("Agreed milestone for Mentoring").select_option("2")
    manager.get_by_role("button", name="Finalize").click()
    expect(manager.get_by_role("status")).to_contain_text("Finalized: 2 milestones awarded")

    # The person reads what was agreed, and acknowledges it with a closing comment.
    person.reload()
    expect(person.get_by_text("awarded").first).to_be_visible()
    person.get_by_label("Closing comment").fill("Thank you: mentoring circle next.")
    person.get_by_role("button", name="Acknowledge").click()
    expect(person.get_by_text("Acknowledged by medium-member")).to_be_visible()
    look(person, f"{name}-person-acknowledged")

    check_in = CheckIn.objects.get(closing_comment="Thank you: mentoring circle next.")
    assert check_in.state == State.ACKNOWLEDGED
    held = Achievement.objects.filter(membership=check_in.person).values_list(
        "milestone__ability__slug", "milestone__level"
    )
    assert {("incident-response", 3), ("mentoring", 2)} <= set(held)
    for page in (person, manager):
        page.context.close()
    assert person_errors == [] and manager_errors == []


def test_the_check_in_form_is_walked_by_keyboard(page, demo_server):
    """Tab goes from each ability's milestone to its note and evidence, then to the next
    ability, and ends on the buttons; every stop shows where the focus is."""
    sign_in(page, demo_server, "medium-manager")
    check_in = CheckIn.objects.get(
        person__user__username="medium-member", finalized_at__isnull=True
    )
    page.goto(f"{demo_server}/medium/check-ins/{check_in.pk}/")
    stops = []
    for _ in range(60):
        page.keyboard.press("Tab")
        stop = page.evaluate(
            """() => {
                const e = document.activeElement;
                const style = getComputedStyle(e);
                const label = e.labels && e.labels[0] ? e.labels[0].innerText : e.innerText;
                return {name: (e.name || "") + "|" + label.trim().slice(0, 40),
                        outlined: style.outlineStyle !== "none" || style.boxShadow !== "none"};
            }"""
        )
        stops.append(stop)
        if stop["name"].startswith("action|Hand in"):
            break
    names = [stop["name"].split("|")[0] for stop in stops]
    fields = [
        name.split("-")[0] for name in names if name.split("-")[0] in {"level", "note", "cite"}
    ]
    # Per ability: milestone, then why, then the evidence boxes; two abilities.
    assert fields[:2] == ["level", "note"] and fields.count("level") == 2
    assert names[-2:] == ["action", "action"]  # Save draft, then Hand in
    assert all(stop["outlined"] for stop in stops), [s for s in stops if not s["outlined"]]
