"""axe-core on every page, for each kind of visitor, at a phone's and a laptop's width."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from checkins.models import CheckIn, Round
from observations.models import Conversation, Observation, Privacy
from organizations.models import Invitation, Membership
from tests.browser.conftest import sign_in
from tests.browser.validator import html_errors

PUBLIC = [
    "/",
    "/signup/",
    "/signup/confirm/not-a-real-one/",  # a sign-up link that does not work
    "/accounts/login/",
    "/accounts/password_reset/",
    "/accounts/password_reset/done/",
    "/accounts/reset/MQ/not-a-token/",  # a link that no longer works
    "/accounts/reset/done/",
    "/medium/",
    "/medium/abilities/servers/",
    "/medium/abilities/servers/history/",
    "/medium/roles/",
    "/medium/roles/builder/",
    "/lessonly/",
    "/lessonly/abilities/infrastructure/",
    "/medium/abilities/no-such-ability/",  # our 404
]
MEMBERS = [
    "/medium/growth/",
    "/medium/growth/?role=builder",
    "/medium/people/",
    "/medium/people/medium-member/",
    "/medium/check-ins/",
    "/medium/check-ins/{open_check_in}/",
    "/medium/check-ins/{finalized_check_in}/",
    "/medium/observations/new/",
    "/medium/conversations/{conversation}/",
    "/medium/team/mine/",
    "/medium/conversations/{conversation}/messages/{message}/edit/",
    "/medium/conversations/{conversation}/messages/{message}/delete/",
    "/accounts/profile/",
    "/accounts/password_change/",
    "/accounts/password_change/done/",
    "/accounts/welcome/",
]
MANAGERS = [
    "/medium/check-ins/rounds/new/",
    "/medium/check-ins/rounds/{round}/",
    "/medium/check-ins/?person=medium-member",
    "/medium/observations/{observation}/edit/",
    "/medium/observations/{observation}/delete/",
]
ADMINS = [
    "/medium/team/",
    "/medium/team/people/medium-member/",
    "/medium/team/people/medium-member/remove/",
    "/medium/settings/",
]
WIDTHS = (390, 1366)


def violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{violation['id']}: {[node['target'] for node in violation['nodes']]}"
        for violation in results.response["violations"]
    ]


@pytest.mark.parametrize("who", ["anonymous", "medium-manager", "medium-member", "medium-admin"])
def test_no_axe_violations_on_any_page(page, demo_server, output_dir, settings, who):
    settings.DEBUG = False  # our own error pages, not Django's debug pages
    manager = Membership.objects.get(user__username="medium-manager")
    conversation = Conversation.objects.create(
        ability=manager.organization.abilities.get(slug="servers"), topic="Go?", started_by=manager
    )
    message = conversation.messages.create(author=manager, body="Go, surely.")
    observation = Observation.objects.create(
        organization=manager.organization,
        observer=manager,
        subject=Membership.objects.get(user__username="medium-member"),
        ability=conversation.ability,
        story="Steady hands in the outage.",
        privacy=Privacy.PUBLIC_TO_WORLD,
    )
    invitation = Invitation(
        organization=manager.organization, email="someone@example.com", invited_by=manager
    )
    token = invitation.new_token()
    invitation.save()
    theirs = CheckIn.objects.filter(person__user__username="medium-member")
    ids = {
        "open_check_in": theirs.get(finalized_at__isnull=True).pk,
        "finalized_check_in": theirs.get(finalized_at__isnull=False).pk,
        "round": Round.objects.get().pk,
    }
    urls = [*PUBLIC, f"/invitations/{token}/", "/invitations/not-a-real-one/"]
    if who != "anonymous":
        sign_in(page, demo_server, who)
        urls = urls + [
            url.format(conversation=conversation.pk, message=message.pk, **ids) for url in MEMBERS
        ]
    if who in ("medium-manager", "medium-admin"):
        urls += [url.format(observation=observation.pk, **ids) for url in MANAGERS]
    if who == "medium-admin":
        urls += ADMINS
    # For medium-member, /medium/observations/new/ is our 403 page.
    found, served = {}, {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for url in urls:
            response = page.goto(f"{demo_server}{url}")
            served[url] = response.text()  # as the server sent it, for the HTML checker
            if problems := violations(page):
                found[(width, url)] = problems
            # One screenshot of each page at each width: a signed-in visitor's public pages
            # differ only in the header, which their own pages show.
            if who == "anonymous" or url not in PUBLIC:
                name = url.strip("/").replace("/", "_") or "home"
                path = output_dir / f"a11y-{who}-{width}-{name}.png"
                page.screenshot(path=path, full_page=True)
    assert found == {}
    assert html_errors(served) == {}
