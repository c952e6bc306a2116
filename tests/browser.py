"""Helpers for the browser tests."""


def sign_in(page, live_server: str, email: str, password: str = "correct horse battery") -> None:
    """Sign in through the login page, as a person would."""
    page.goto(f"{live_server}/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server}/")
