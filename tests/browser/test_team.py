import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.worker import sent_mail


def test_an_admin_invites_the_invitee_joins_and_their_manager_observes_them(
    chromium, page, demo_server, output_dir
):
    sign_in(page, demo_server, "medium-admin")
    assert page.url == f"{demo_server}/medium/growth/"  # signing in lands on my growth
    page.get_by_role("link", name="Team", exact=True).click()
    page.get_by_label("Email").fill("nova@example.com")
    page.get_by_label("Level").select_option(label="Member")
    page.get_by_label("Reports to").fill("medium-manager")
    page.get_by_label("Builder").check()
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("Invitation sent to nova@example.com.")).to_be_visible()
    expect(page.get_by_text("nova@example.com · Member · Pending")).to_be_visible()
    link = re.search(r"https?://\S+/invitations/\S+/", sent_mail()[-1].body).group(0)

    invitee = chromium.new_context(viewport={"width": 390, "height": 900}).new_page()
    invitee.goto(link)
    invitee.get_by_label("Your name").fill("Nova Starling")
    invitee.get_by_label("Username").fill("nova")
    invitee.get_by_label("Password").fill("a long enough passphrase")
    invitee.get_by_role("button", name="Join Medium").click()
    expect(invitee.get_by_text("Welcome to Medium!")).to_be_visible()
    invitee.screenshot(path=output_dir / "invitee-joined-390.png", full_page=True)
    invitee.context.close()

    page.reload()
    expect(page.get_by_role("link", name="Nova Starling", exact=True)).to_be_visible()
    expect(page.get_by_text("nova@example.com · Member · Accepted")).to_be_visible()
    page.screenshot(path=output_dir / "team-page-1280.png", full_page=True)

    page.context.clear_cookies()
    sign_in(page, demo_server, "medium-manager")
    page.get_by_role("link", name="My team").click()
    expect(page.get_by_role("link", name="Nova Starling", exact=True)).to_be_visible()
    page.get_by_role("link", name="Record an observation of Nova Starling").click()
    page.get_by_label("Ability").fill("Servers")
    page.get_by_label("What happened").fill("Paired on the deploy fix on her first day.")
    page.get_by_role("button", name="Record observation").click()
    expect(page.get_by_role("status")).to_contain_text("Saved your observation of Nova Starling")
    page.get_by_role("link", name="Nova Starling").click()
    expect(page.get_by_text("Paired on the deploy fix on her first day.")).to_be_visible()
