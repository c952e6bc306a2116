"""Single sign-on with OpenID Connect (Authlib): "Sign in with <provider>".

Configured by an issuer URL, a client id and a secret (HIRING_OIDC_*). Authlib does the
protocol: the discovery document, the authorization code flow with state, nonce and
PKCE, and the ID token's checks (signature, issuer, audience, expiry). An account is
matched by its verified e-mail; one that does not exist yet is made on first sign-in,
with the default role, when the e-mail's domain is allowed. With SSO_ONLY, passwords
open no account but the break-glass admin's.
"""

import secrets
from urllib.parse import urlencode

from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app

from hiring.auth.models import Role, User
from hiring.auth.operations import create_user, find_user, normalise_email
from hiring.domain import DomainError, Kind


def init_app(app: Flask) -> None:
    """Register the provider when one is configured."""
    if not app.config["OIDC_ISSUER"]:
        return
    oauth = OAuth(app)
    oauth.register(
        "sso",
        client_id=app.config["OIDC_CLIENT_ID"],
        client_secret=app.config["OIDC_CLIENT_SECRET"],
        server_metadata_url=app.config["OIDC_ISSUER"].rstrip("/")
        + "/.well-known/openid-configuration",
        client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256"},
    )
    app.extensions["sso"] = oauth


def enabled() -> bool:
    return "sso" in current_app.extensions


def client():
    return current_app.extensions["sso"].sso


def provider_name() -> str:
    return current_app.config["OIDC_PROVIDER_NAME"]


def passwords_allowed(email: str) -> bool:
    """With SSO_ONLY, only the break-glass admin signs in with a password."""
    if not (enabled() and current_app.config["SSO_ONLY"]):
        return True
    glass = normalise_email(current_app.config["SSO_BREAK_GLASS"] or "")
    return bool(glass) and normalise_email(email) == glass


def claims_of(token: dict) -> dict:
    """The ID token's claims (checked by Authlib), with the userinfo endpoint's when the
    ID token leaves the e-mail there (as providers conforming to the core spec do for
    the code flow); a userinfo of another subject is refused."""
    claims = dict(token.get("userinfo") or {})
    if "email" not in claims:
        extra = client().userinfo(token=token)
        if extra.get("sub") != claims.get("sub"):
            raise ValueError("the userinfo names another subject")
        claims |= dict(extra)
    return claims


def account_for(claims: dict) -> User:
    """The account the provider's claims name: by verified e-mail; made on first sign-in
    when the domain is allowed. Refused with why otherwise."""
    email = normalise_email(claims.get("email") or "")
    if not email or claims.get("email_verified") is not True:
        raise DomainError(
            Kind.FORBIDDEN,
            f"{provider_name()} did not vouch for an e-mail address: no account is opened.",
        )
    user = find_user(email)
    if user is not None:
        if not user.active:
            raise DomainError(Kind.FORBIDDEN, "This account is deactivated. Ask an admin.")
        return user
    domain = email.rpartition("@")[2]
    allowed = {
        d.strip().lower().lstrip("@")
        for d in current_app.config["OIDC_ALLOWED_DOMAINS"].split(",")
        if d.strip()
    }
    if domain not in allowed:
        raise DomainError(
            Kind.FORBIDDEN,
            f"No account has the e-mail {email}, and accounts are not made for {domain} "
            "addresses. Ask an admin to add you.",
        )
    name = (claims.get("name") or email.partition("@")[0]).strip()[:120]
    # A password nobody knows: the account signs in through the provider.
    return create_user(
        email, name, Role(current_app.config["OIDC_DEFAULT_ROLE"]), secrets.token_urlsafe(32)
    )


def end_session_url(id_token: str, back: str) -> str | None:
    """The provider's end-session address for this sign-in, coming back to `back`."""
    endpoint = client().load_server_metadata().get("end_session_endpoint")
    if not endpoint:
        return None
    query = urlencode({"id_token_hint": id_token, "post_logout_redirect_uri": back})
    return f"{endpoint}?{query}"
