"""A locked-out sign-in, in a browser: said plainly, reachable by keyboard, clean under axe;
and the admin pages that now show what people said read-only, looked at."""

from observations.models import Conversation, Message, Observation
from organizations.models import Membership
from tests.browser.conftest import look_at, sign_in

LOCKED = "Too many failed sign-ins for this account or from your network"


def test_a_locked_out_sign_in_says_so_and_passes_axe(page, demo_server, output_dir):
    for _ in range(10):
        page.goto(f"{demo_server}/accounts/login/")
        page.get_by_label("Username or email").fill("medium-member")
        page.get_by_label("Password").fill("not the password")
        page.get_by_role("button", name="Sign in").click()
    alert = page.get_by_role("alert")
    assert LOCKED in alert.inner_text()

    # The right password now is refused the same way.
    page.get_by_label("Password").fill("gruuv-demo")
    page.get_by_role("button", name="Sign in").click()
    assert LOCKED in page.get_by_role("alert").inner_text()
    assert "/accounts/login/" in page.url

    # By keyboard: the username (kept as typed), the password, then the button.
    assert page.get_by_label("Username or email").input_value() == "medium-member"
    page.get_by_label("Username or email").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_password"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Sign in"

    look_at(page, output_dir, "signin-locked")


def test_admin_shows_versions_and_read_only_messages(page, demo_server, output_dir):
    admin = Membership.objects.get(user__username="medium-admin")
    manager = Membership.objects.get(user__username="medium-manager")
    member = Membership.objects.get(user__username="medium-member")
    servers = admin.organization.abilities.get(slug="servers")
    observation = Observation.objects.create(
        organization=admin.organization,
        observer=manager,
        subject=member,
        ability=servers,
        story="Rebuilt the deploy pipeline",
        privacy=Observation.Privacy.PUBLIC_TO_COMPANY,
    )
    observation.story = "Rebuilt the deploy pipeline, with rollbacks"
    observation.save()
    conversation = Conversation.objects.create(ability=servers, topic="Go?", started_by=member)
    Message.objects.create(conversation=conversation, author=member, body="Should we?")
    sign_in(page, demo_server, "medium-admin")
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{demo_server}/admin/observations/observation/{observation.pk}/change/")
        versions = page.locator(".field-versions").inner_text()
        assert "Changed" in versions and "Created" in versions and "rollbacks" in versions
        page.screenshot(path=output_dir / f"admin-observation-{width}.png", full_page=True)
        page.goto(f"{demo_server}/admin/observations/conversation/{conversation.pk}/change/")
        assert page.locator("textarea").count() == 0  # nothing people said can be edited
        assert "Should we?" in page.locator("#messages-group").inner_text()
        page.screenshot(path=output_dir / f"admin-conversation-{width}.png", full_page=True)
