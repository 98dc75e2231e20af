from playwright.sync_api import expect

from tests.browser.conftest import sign_in, start_conversation


def test_two_members_converse(chromium, page, demo_server, output_dir):
    sign_in(page, demo_server, "medium-member")
    page.goto(f"{demo_server}/medium/abilities/servers/")
    page.evaluate("window.notReloaded = true")
    start_conversation(page, "Should the feed move to Go?", "I think so.\nSee https://go.dev/doc/")
    expect(page.get_by_text("✅ Conversed about in 1 conversation")).to_be_visible()
    assert page.evaluate("window.notReloaded") is True
    page.get_by_role("link", name="Should the feed move to Go?").click()
    thread_url = page.url

    other = chromium.new_context().new_page()
    sign_in(other, demo_server, "medium-manager")
    other.goto(thread_url)
    expect(other.get_by_text("I think so.")).to_be_visible()
    other.evaluate("window.notReloaded = true")
    other.get_by_label("Message").fill("Agreed, let's write it up.")
    other.get_by_role("button", name="Reply").click()
    expect(other.locator("#messages")).to_contain_text("Agreed, let's write it up.")
    expect(other.get_by_label("Message")).to_have_value("")
    assert other.evaluate("window.notReloaded") is True

    page.reload()
    expect(page.get_by_text("Agreed, let's write it up.")).to_be_visible()
    expect(page.get_by_role("link", name="https://go.dev/doc/")).to_be_visible()
    page.screenshot(path=output_dir / "conversation.png", full_page=True)
    other.context.close()


def test_author_deletes_a_message_and_the_thread_keeps_its_shape(page, demo_server):
    sign_in(page, demo_server, "medium-member")
    page.goto(f"{demo_server}/medium/abilities/servers/")
    start_conversation(page, "Typo thread", "Oops, wrong thread")
    page.get_by_role("link", name="Typo thread").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("link", name="Delete").click()
    expect(page.get_by_text("Message deleted")).to_be_visible()
    expect(page.get_by_text("Oops, wrong thread")).to_have_count(0)


def test_outsiders_see_the_gate_and_a_thread_is_members_only(page, demo_server):
    sign_in(page, demo_server, "medium-member")
    page.goto(f"{demo_server}/medium/abilities/servers/")
    start_conversation(page, "Members only", "Hello team")
    page.get_by_role("link", name="Members only").click()
    thread_url = page.url
    gate = "This section is for Medium folks only. Sign your team up to find your Gruuv!"

    page.context.clear_cookies()
    page.goto(f"{demo_server}/medium/abilities/servers/")
    expect(page.get_by_text(gate)).to_be_visible()
    page.goto(thread_url)  # signed out: asked to sign in, and brought back after
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert "next=" in page.url

    sign_in(page, demo_server, "lessonly-member")
    page.goto(f"{demo_server}/medium/abilities/servers/")
    expect(page.get_by_text(gate)).to_be_visible()
    expect(page.get_by_text("Members only")).to_have_count(0)
    assert page.request.get(thread_url).status == 404
