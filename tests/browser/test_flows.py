"""Every flow a person goes through, walked in a browser with JavaScript on and off: each works
as plain HTML forms, and the browser reports no error on the way (CSP included)."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from milestones.models import Achievement
from observations.models import Message, Observation
from organizations.models import Invitation, Membership
from tests.browser.conftest import sign_in, start_conversation, watched_page
from tests.worker import sent_mail


@pytest.fixture(params=["javascript", "no-javascript"])
def browser_page(request, chromium):
    page, errors = watched_page(chromium, java_script_enabled=request.param == "javascript")
    page.javascript = request.param == "javascript"
    yield page
    page.context.close()
    assert errors == [], f"the browser reported errors: {errors}"


def confirming(page) -> None:
    """With JavaScript, a destructive link asks first (hx-confirm): say yes."""
    if page.javascript:
        page.once("dialog", lambda dialog: dialog.accept())


def test_sign_up_a_team_then_sign_out(browser_page, demo_server, output_dir):
    page = browser_page
    page.goto(f"{demo_server}/")
    page.get_by_role("link", name="Sign your team up").first.click()
    page.get_by_label("Your name").fill("Ada Lovelace")
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Password").fill("an engine of many parts")
    page.get_by_label("Organization name").fill("Analytical Engines")
    page.get_by_role("button", name="Create my organization").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    link = re.search(r"https?://\S+/signup/confirm/\S+/", sent_mail()[-1].body).group(0)
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=output_dir / f"signup-sent-{width}.png", full_page=True)

    page.goto(link)
    expect(page.get_by_role("heading", name="Finish creating Analytical Engines")).to_be_visible()
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=output_dir / f"signup-confirm-{width}.png", full_page=True)
    page.keyboard.press("Tab")  # skip link, then the header's links, then the one button
    page.get_by_role("button", name="Create my organization").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Welcome to Gruuv! You sign in as")).to_be_visible()
    assert page.url == f"{demo_server}/analytical-engines/"

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in", exact=True)).to_be_visible()
    page.goto(f"{demo_server}/analytical-engines/team/")
    assert "/accounts/login/" in page.url


def test_reset_a_forgotten_password_then_change_it_and_the_profile(browser_page, demo_server):
    page = browser_page
    get_user_model().objects.filter(username="medium-member").update(email="mm@example.com")
    page.goto(f"{demo_server}/accounts/login/")
    page.get_by_role("link", name=re.compile("Forgot", re.I)).click()
    page.get_by_label("Email").fill("mm@example.com")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    link = re.search(r"https?://\S+/reset/\S+/", sent_mail()[-1].body).group(0)

    page.goto(link)
    page.get_by_label("New password", exact=True).fill("a brand new passphrase")
    page.get_by_label("New password confirmation").fill("a brand new passphrase")
    page.get_by_role("button", name="Save my new password").click()
    sign_in(page, demo_server, "medium-member", "a brand new passphrase")

    page.goto(f"{demo_server}/accounts/profile/")
    page.get_by_label("First name").fill("Mina")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").or_(page.locator(".messages")).first).to_be_visible()
    assert get_user_model().objects.get(username="medium-member").first_name == "Mina"

    page.goto(f"{demo_server}/accounts/password_change/")
    page.get_by_label("Old password").fill("a brand new passphrase")
    page.get_by_label("New password", exact=True).fill("another passphrase again")
    page.get_by_label("New password confirmation").fill("another passphrase again")
    page.get_by_role("button", name="Change my password").click()
    assert (
        get_user_model()
        .objects.get(username="medium-member")
        .check_password("another passphrase again")
    )


def test_record_edit_and_delete_an_observation(browser_page, demo_server):
    page = browser_page
    sign_in(page, demo_server, "medium-manager")
    page.goto(f"{demo_server}/medium/abilities/servers/")
    page.get_by_text("Record an observation").first.click()
    page.get_by_label("Person").fill("medium-member")
    if not page.javascript:
        page.get_by_label("Ability").fill("Servers")
    page.get_by_label("What happened").fill("Wrote the runbook for the feed service.")
    page.get_by_label("Who may read it").select_option(label="Public")
    page.get_by_role("button", name="Record observation").click()
    # The notice, by its role: the screen-reader announcer repeats its words 50 ms later, so
    # the text alone names one element or two depending on how fast the check runs.
    notice = page.get_by_role("status").filter(has_text="Saved your observation of medium-member")
    expect(notice).to_be_visible()
    observation = Observation.objects.get(story="Wrote the runbook for the feed service.")

    page.goto(f"{demo_server}/medium/observations/{observation.pk}/edit/")
    page.get_by_label("What happened").fill("Wrote and tested the runbook for the feed service.")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Wrote and tested the runbook")).to_be_visible()

    page.goto(f"{demo_server}/medium/observations/{observation.pk}/delete/")
    page.get_by_role("button", name="Delete it").click()
    assert not Observation.objects.filter(pk=observation.pk).exists()


def test_award_a_milestone_then_revoke_it(browser_page, demo_server):
    page = browser_page
    sign_in(page, demo_server, "medium-manager")
    page.goto(f"{demo_server}/medium/people/medium-member/")
    award = page.locator("form.award")
    award.get_by_label("Ability").fill("Servers")
    award.get_by_label("Milestone").select_option(label="Milestone 3")
    if page.javascript:  # what the chosen milestone asks, beside the form
        expect(award.locator("#award-asks")).to_contain_text("Servers, milestone 3")
    # On SQLite the live server's threads share one connection: no request while the
    # suggestions the typing asked for are still being answered.
    page.wait_for_load_state("networkidle")
    award.get_by_role("button", name="Award", exact=True).click()
    expect(page.get_by_role("link", name="Servers milestone 3")).to_be_visible()
    page.wait_for_load_state("networkidle")  # (the same, before the test reads it)
    held = Achievement.objects.get(
        membership__user__username="medium-member", milestone__ability__slug="servers"
    )
    assert held.milestone.level == 3

    confirming(page)
    page.locator("li", has=page.get_by_role("link", name="Servers milestone 3")).get_by_role(
        "button", name="Revoke"
    ).click()
    expect(page.get_by_role("link", name="Servers milestone 3")).to_have_count(0)
    assert not Achievement.objects.filter(pk=held.pk).exists()


def test_start_reply_edit_and_delete_in_a_conversation(browser_page, demo_server):
    page = browser_page
    sign_in(page, demo_server, "medium-member")
    page.goto(f"{demo_server}/medium/abilities/servers/")
    start_conversation(page, "Go for the feed?", "I think so.")
    if page.javascript:  # it joins the ability's list in place; without, the thread opens
        page.get_by_role("link", name="Go for the feed?").click()
    expect(page.get_by_role("heading", name="Go for the feed?")).to_be_visible()
    page.get_by_label("Message").fill("Here is why: it is fast.")
    page.get_by_role("button", name="Reply").click()
    expect(page.locator(".thread")).to_contain_text("Here is why: it is fast.")

    # With JavaScript the form opens in the thread; without, on a page of its own.
    reply = page.locator(f"#message-{Message.objects.get(body='Here is why: it is fast.').pk}")
    reply.get_by_role("link", name="Edit").click()
    page.locator("form.message-edit").get_by_label("Message").fill("It is fast and typed.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".thread")).to_contain_text("It is fast and typed.")

    confirming(page)
    reply.get_by_role("link", name="Delete").click()
    if not page.javascript:
        page.get_by_role("button", name="Delete it").click()
    expect(reply.get_by_text("Message deleted")).to_be_visible()


def test_an_admin_runs_the_team(browser_page, demo_server):
    page = browser_page
    sign_in(page, demo_server, "medium-admin")
    page.goto(f"{demo_server}/medium/team/")
    page.get_by_label("Email").fill("orin@example.com")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("Invitation sent to orin@example.com.")).to_be_visible()
    page.get_by_role("button", name="Resend to orin@example.com").click()
    expect(page.get_by_text("orin@example.com · Member · Pending")).to_be_visible()
    assert len([m for m in sent_mail() if "orin@example.com" in m.to]) == 2
    page.get_by_role("button", name="Revoke the invitation to orin@example.com").click()
    expect(page.get_by_text("orin@example.com · Member · Pending")).to_have_count(0)
    assert Invitation.objects.get(email="orin@example.com").revoked_at is not None

    page.goto(f"{demo_server}/medium/team/people/medium-member/")
    page.get_by_label("Reports to").fill("medium-admin")
    page.get_by_role("button", name="Save").click()
    member = Membership.objects.get(user__username="medium-member")
    assert member.manager.user.username == "medium-admin"

    page.goto(f"{demo_server}/medium/team/people/medium-member/")
    page.get_by_role("link", name=re.compile("^Remove medium-member")).click()
    page.get_by_role("button", name="Remove medium-member").click()
    member.refresh_from_db()
    assert not member.active

    page.goto(f"{demo_server}/medium/settings/")
    page.get_by_label("Name").fill("Medium Engineering")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Medium Engineering").first).to_be_visible()
