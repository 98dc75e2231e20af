import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in


def test_manager_records_a_public_observation_without_a_reload(page, demo_server, output_dir):
    sign_in(page, demo_server, "medium-manager")
    page.goto(f"{demo_server}/medium/abilities/servers/")
    expect(page.get_by_text("⚠️ Has been referenced in no observations")).to_be_visible()
    page.evaluate("window.notReloaded = true")

    page.get_by_text("Record an observation").click()
    page.get_by_label("Person").fill("medium-mem")
    expect(page.locator("#id_subject_options option")).to_have_count(1)  # suggested as typed
    page.get_by_label("Person").fill("medium-member")
    page.get_by_label("Milestone", exact=True).select_option("2")
    page.get_by_label("What happened").fill("Split the feed service and wrote its playbook.")
    page.get_by_label("Who may read it").select_option(label="Public")
    sent = []  # what the browser asks of the server from the click on
    page.on(
        "request",
        lambda request: (
            sent.append(f"{request.method} {request.url}")
            if request.url.startswith(demo_server)
            and not any(part in request.url for part in ("/static/", "/search/"))  # typing's
            else None
        ),
    )
    page.get_by_role("button", name="Record observation").click()

    expect(page.get_by_text("✅ Has been referenced in 1 observation")).to_be_visible()
    observations = page.locator("#observations")
    expect(observations).to_contain_text("Split the feed service and wrote its playbook.")
    expect(observations).to_contain_text("medium-manager observed medium-member")
    expect(page.get_by_role("status")).to_contain_text("Saved your observation")
    assert page.evaluate("window.notReloaded") is True
    page.wait_for_load_state("networkidle")  # anything the answer would have sent for, sent
    # One request: the save answers with the form, the list and the badges (out of band).
    assert sent == [f"POST {demo_server}/medium/observations/new/"]
    page.screenshot(path=output_dir / "servers-after-recording.png", full_page=True)

    # Not public until the person observed agrees: signed out, the page does not show it.
    page.context.clear_cookies()
    page.goto(f"{demo_server}/medium/abilities/servers/")
    expect(page.locator("#observations")).not_to_contain_text("Split the feed service")
    # They agree, from the card on the ability page; then anyone at all reads it.
    sign_in(page, demo_server, "medium-member")
    page.goto(f"{demo_server}/medium/abilities/servers/")
    expect(page.locator("#observations")).to_contain_text("public once agreed")
    page.get_by_role("button", name="Show it on the public ability page").click()
    expect(page.get_by_role("status")).to_contain_text("It shows on the public ability page now.")
    page.context.clear_cookies()
    page.goto(f"{demo_server}/medium/abilities/servers/")
    expect(page.locator("#observations")).to_contain_text("Split the feed service")


def test_the_subject_reads_it_on_their_page(chromium, page, demo_server):
    sign_in(page, demo_server, "medium-manager")
    page.goto(f"{demo_server}/medium/observations/new/?subject=medium-member&ability=servers")
    page.get_by_label("What happened").fill("Calm lead through the outage.")
    page.get_by_label("Who may read it").select_option(label="The person observed and managers")
    page.get_by_role("button", name="Record observation").click()
    expect(page.get_by_role("status")).to_contain_text("Saved your observation of medium-member")

    page.context.clear_cookies()
    sign_in(page, demo_server, "medium-member")
    page.goto(f"{demo_server}/medium/people/medium-member/")
    expect(page.get_by_text("Calm lead through the outage.")).to_be_visible()


def test_the_milestone_options_follow_the_ability(page, demo_server):
    from abilities.models import Ability
    from organizations.models import Organization
    from tests.factories import MilestoneFactory

    short = Ability.objects.create(
        organization=Organization.objects.get(slug="medium"), name="Mobile", slug="mobile",
        summary="Apps",
    )  # fmt: skip
    MilestoneFactory(ability=short, level=1)
    sign_in(page, demo_server, "medium-manager")
    page.goto(f"{demo_server}/medium/observations/new/")
    milestone = page.get_by_label("Milestone", exact=True)
    ability = page.get_by_label("Ability")
    ability.fill("mob")
    expect(page.locator("#id_ability_options option")).to_have_count(1)  # suggested as typed
    ability.fill("Mobile")
    ability.press("Tab")
    expect(milestone.locator("option")).to_have_count(2)
    ability.fill("Servers")
    ability.press("Tab")
    expect(milestone.locator("option")).to_have_count(6)


def test_a_member_sees_no_recording_form(page, demo_server):
    sign_in(page, demo_server, "medium-member")
    page.goto(f"{demo_server}/medium/abilities/servers/")
    expect(page.get_by_role("heading", name="Conversations about Servers")).to_be_visible()
    expect(page.get_by_text("Record an observation")).to_have_count(0)
    assert page.request.get(f"{demo_server}/medium/observations/new/").status == 403


def test_a_manager_awards_a_milestone_and_the_journey_follows(page, demo_server):
    sign_in(page, demo_server, "medium-manager")
    page.goto(f"{demo_server}/medium/people/medium-member/")
    # The demo's story: milestone 2 of Incident Response (1 + 3) and 1 of Mentoring (1).
    expect(page.locator(".journey__miles")).to_have_text("5 miles")
    page.evaluate("window.notReloaded = true")
    page.get_by_role("combobox", name="Ability").fill("Servers")
    page.get_by_label("Milestone", exact=True).select_option("3")
    page.get_by_role("button", name="Award", exact=True).click()
    expect(page.locator(".journey__miles")).to_have_text("15 miles")  # and now 1 + 3 + 6
    expect(page.get_by_text("✅ Met: Servers milestone 1+")).to_be_visible()
    assert page.evaluate("window.notReloaded") is True


def test_invalid_input_shows_errors_beside_the_fields_without_a_reload(page, demo_server):
    from observations.models import Observation

    before = Observation.objects.count()
    sign_in(page, demo_server, "medium-manager")
    page.goto(f"{demo_server}/medium/abilities/servers/")
    page.evaluate("window.notReloaded = true")
    page.get_by_text("Record an observation").click()
    page.get_by_label("Person").fill("medium-mem")
    expect(page.locator("#id_subject_options option")).to_have_count(1)  # suggested as typed
    page.get_by_label("Person").fill("medium-member")
    page.get_by_label("Observed on").fill("2999-01-01")
    page.get_by_role("button", name="Record observation").click()
    form = page.locator("#record-observation")
    expect(form.locator(".field--invalid")).to_have_count(2)
    expect(form).to_contain_text("An observation cannot be dated in the future.")
    expect(form).to_contain_text("This field is required.")  # the story
    assert page.evaluate("window.notReloaded") is True
    assert Observation.objects.count() == before


def test_a_resized_textarea_survives_a_refused_form_without_a_csp_violation(page, demo_server):
    """htmx settles a swapped element's `style` from the old one, which the CSP refuses as an
    inline style; Gruuv's htmx settles no `style`, so a refused form swaps in cleanly (any
    console error, a CSP report included, fails the test)."""
    sign_in(page, demo_server, "medium-manager")
    page.goto(f"{demo_server}/medium/abilities/servers/")
    page.get_by_text("Record an observation").click()
    story = page.get_by_label("What happened")
    story.fill("A story without a person")
    story.evaluate("element => { element.style.height = '240px' }")  # as dragging its corner does
    page.get_by_role("button", name="Record observation").click()
    expect(page.locator("#id_subject_errors")).to_be_visible()
    expect(page.get_by_label("What happened")).to_have_value("A story without a person")


def test_the_recording_form_fills_its_card_on_a_phone_and_a_laptop(page, demo_server, output_dir):
    sign_in(page, demo_server, "medium-manager")
    page.goto(f"{demo_server}/medium/abilities/servers/")
    page.get_by_text("Record an observation").click()
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        form = page.locator("#record-observation form").bounding_box()
        for label in ("Person", "What happened", "Who may read it", "Observed on"):
            box = page.get_by_label(label, exact=True).bounding_box()
            assert abs(box["width"] - form["width"]) < 2, (width, label, box, form)
    privacy = page.get_by_label("Who may read it", exact=True)
    privacy.select_option(label="The person observed and managers")
    fits = privacy.evaluate(
        "select => { const probe = document.createElement('span');"
        " probe.textContent = select.options[select.selectedIndex].text;"
        " probe.style.font = getComputedStyle(select).font; probe.style.position = 'absolute';"
        " document.body.append(probe);"
        " const wide = probe.getBoundingClientRect().width; probe.remove();"
        " return [wide, select.clientWidth] }"
    )
    page.locator("#record").screenshot(path=output_dir / "record-form-390.png")
    assert fits[0] + 40 <= fits[1], fits  # the chosen option reads whole, arrow included


def test_focus_follows_an_in_place_update_and_a_live_region_says_what_happened(
    page, demo_server, output_dir
):
    """A refused form: focus on the first field that needs attention, and the errors are
    announced. A saved one: focus on the notice, which is announced."""
    sign_in(page, demo_server, "medium-manager")
    page.goto(f"{demo_server}/medium/abilities/servers/")
    page.get_by_text("Record an observation").click()
    page.get_by_label("What happened").fill("Paired on the queue.")
    page.get_by_role("button", name="Record observation").click()
    expect(page.locator("#id_subject_errors")).to_be_visible()
    expect(page.locator("#id_subject")).to_be_focused()
    page.locator("#record").screenshot(path=output_dir / "record-form-errors.png")
    announcer = page.locator("#announcer")
    expect(announcer).to_have_text(re.compile(r"^1 field needs attention: .+"))
    assert announcer.get_attribute("aria-live") == "polite"

    page.keyboard.type("medium-member")  # typing goes straight into the field that needs it
    page.get_by_role("button", name="Record observation").click()
    notice = page.locator("#record-observation [role=status]")
    expect(notice).to_contain_text("Saved your observation of medium-member")
    expect(notice).to_be_focused()
    expect(announcer).to_have_text(re.compile(r"^Saved your observation of medium-member"))


def test_a_refused_award_puts_focus_on_the_field_to_fix(page, demo_server):
    sign_in(page, demo_server, "medium-manager")
    page.goto(f"{demo_server}/medium/people/medium-member/")
    page.get_by_role("button", name="Award", exact=True).click()
    expect(page.locator("#announcer")).to_have_text(re.compile(r"field.* need.* attention"))
    expect(page.locator('[aria-invalid="true"]').first).to_be_focused()
