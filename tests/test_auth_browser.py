import pytest

pytestmark = pytest.mark.browser


def test_sign_in_and_out_in_a_browser(live_server, page, console_errors, users):
    page.goto(f"{live_server}/admin/users")
    assert page.url.endswith("/login?next=/admin/users")
    page.get_by_label("E-mail").fill(users["admin"].email)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server}/admin/users")
    assert page.get_by_role("heading", name="Users").is_visible()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{live_server}/login")
    assert page.get_by_text("You are signed out.").is_visible()
    assert console_errors == []


def test_wrong_password_shows_a_message(live_server, page, console_errors, users):
    page.goto(f"{live_server}/login")
    page.get_by_label("E-mail").fill(users["admin"].email)
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_text("do not match an active account").is_visible()
    assert page.get_by_label("E-mail").input_value() == users["admin"].email
    # The failed login answers 401: the only console error allowed here.
    assert all("401" in e for e in console_errors)


def test_settings_offer_the_devices_time_zone(live_server, browser, users):
    from playwright.sync_api import expect

    from tests.browser import sign_in

    context = browser.new_context(timezone_id="Asia/Kolkata")
    page = context.new_page()
    sign_in(page, live_server, users["interviewer"].email)
    page.goto(f"{live_server}/account/settings")
    hint = page.locator("[data-device-zone]")
    expect(hint).to_contain_text("This device is set to (UTC+05:30) Asia/Kolkata")
    hint.get_by_role("button", name="Use it").click()
    assert page.locator("#time_zone").input_value() == "Asia/Kolkata"
    expect(hint).to_be_hidden()
    context.close()


def test_settings_offer_nothing_when_the_device_is_in_the_organisations_zone(
    live_server, browser, users
):
    """The organisation's zone is UTC here, and the user follows it: a device in UTC has
    nothing to offer."""
    from playwright.sync_api import expect

    from tests.browser import sign_in

    context = browser.new_context(timezone_id="UTC")
    page = context.new_page()
    sign_in(page, live_server, users["interviewer"].email)
    page.goto(f"{live_server}/account/settings")
    assert page.locator("#time_zone").input_value() == ""
    page.wait_for_load_state("load")
    expect(page.locator("[data-device-zone]")).to_be_hidden()
    context.close()
