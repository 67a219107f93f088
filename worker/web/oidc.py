"""The OpenID Connect client of FranceConnect, with Authlib.

Authorization-code flow as FranceConnect's rules for service providers require: a
random ``state`` and ``nonce`` per attempt (kept in the signed session cookie by Authlib
and checked on return), the ID token's signature checked against the provider's published
keys and its claims (``iss``, ``aud``, ``exp``, ``nonce``) by Authlib, then the ``acr``
against the configured eIDAS level here. The provider is found through its discovery
document (``ISSUER/.well-known/openid-configuration``), fetched on first use with a
timeout and kept for the life of the process; a fetch that fails is tried again next
time. Every way the exchange can fail comes out as :class:`Refused` (the answer was not
acceptable) or :class:`Unavailable` (the provider could not be reached).
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.flask_client import OAuth
from flask import current_app, request, session
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jwt import JWTClaimsRegistry

from worker.rules.franceconnect import SCOPES, acr_accepted

NAME = "franceconnect"
SETTINGS = ("FRANCECONNECT_ISSUER", "FRANCECONNECT_CLIENT_ID", "FRANCECONNECT_CLIENT_SECRET")
_lock = threading.Lock()


class Unavailable(Exception):
    """The provider did not answer (down, timed out, or answered with a server error)."""


class Refused(Exception):
    """The answer cannot be trusted or was negative; ``reason`` says which, for the page."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


@dataclass(frozen=True)
class Identity:
    issuer: str
    claims: dict  # the ID token's claims, completed by the userinfo endpoint's
    id_token: str  # kept for the logout (id_token_hint)


def enabled() -> bool:
    """FranceConnect is offered only once the partner settings are all given."""
    config = current_app.config
    return all(config.get(name) for name in SETTINGS)


def issuer() -> str:
    return str(current_app.config["FRANCECONNECT_ISSUER"]).rstrip("/")


def provider_origins() -> list[str]:
    """Where the browser is sent by our forms' redirects: the issuer and, once discovered,
    the authorization and end-session endpoints (for the pages' CSP ``form-action``)."""
    app = current_app._get_current_object()
    oauth = app.extensions.get("authlib.integrations.flask_client")
    metadata = oauth.create_client(NAME).server_metadata if oauth else {}
    urls = [issuer(), metadata.get("authorization_endpoint"), metadata.get("end_session_endpoint")]
    origins = []
    for url in filter(None, urls):
        parts = urlsplit(str(url))
        origin = f"{parts.scheme}://{parts.netloc}"
        if parts.scheme in ("http", "https") and parts.netloc and origin not in origins:
            origins.append(origin)
    return origins


def _client():
    """The application's Authlib client, registered on first use."""
    app = current_app._get_current_object()
    with _lock:
        oauth = app.extensions.get("authlib.integrations.flask_client")
        if oauth is None:
            oauth = OAuth(app)
            oauth.register(
                NAME,
                client_id=app.config["FRANCECONNECT_CLIENT_ID"],
                client_secret=app.config["FRANCECONNECT_CLIENT_SECRET"],
                server_metadata_url=f"{issuer()}/.well-known/openid-configuration",
                client_kwargs={
                    "scope": " ".join(SCOPES),
                    "token_endpoint_auth_method": "client_secret_post",
                    "default_timeout": app.config["FRANCECONNECT_TIMEOUT"],
                },
            )
        return oauth.create_client(NAME)


def _metadata(client) -> dict:
    """The discovery document, which must name the configured issuer (OIDC Discovery 4.3)."""
    try:
        metadata = client.load_server_metadata()
    except (requests.RequestException, ValueError) as error:
        raise Unavailable(str(error)) from error
    if str(metadata.get("issuer", "")).rstrip("/") != issuer():
        client.server_metadata.pop("_loaded_at", None)  # fetch it again next time
        raise Unavailable(f"discovery names issuer {metadata.get('issuer')!r}")
    return metadata


def authorize_redirect(redirect_uri: str):
    """The redirect to the provider's authorization endpoint, state and nonce remembered."""
    client = _client()
    _metadata(client)
    _forget_pending_attempts()
    return client.authorize_redirect(
        redirect_uri,
        state=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(32),
        acr_values=current_app.config["FRANCECONNECT_ACR"],
    )


def _forget_pending_attempts() -> None:
    """One attempt at a time: each keeps its state in the session cookie, and abandoned
    ones would otherwise pile up there for an hour, towards the 4 KB a cookie may hold."""
    for key in [k for k in session if k.startswith(f"_state_{NAME}_")]:
        session.pop(key)


def finish_sign_in() -> Identity:
    """The callback: the code exchanged, the ID token verified, the userinfo fetched."""
    error = request.args.get("error")
    if error:
        _forget_pending_attempts()  # that attempt is over
        raise Refused("cancelled" if error == "access_denied" else "provider_error", error)
    client = _client()
    _metadata(client)
    returned_by = request.args.get("iss")  # RFC 9207, where the provider sends it
    if returned_by is not None and returned_by.rstrip("/") != issuer():
        raise Refused("state", f"callback from issuer {returned_by!r}")
    token = _exchange(client)
    claims = dict(token.get("userinfo") or {})
    if not claims or "id_token" not in token:
        raise Refused("token", "no ID token")
    if not acr_accepted(claims.get("acr"), current_app.config["FRANCECONNECT_ACR"]):
        raise Refused("acr", str(claims.get("acr")))
    profile = _userinfo(client, token)
    if profile.get("sub") != claims.get("sub"):
        raise Refused("token", "userinfo for another subject")
    return Identity(issuer=issuer(), claims={**profile, **claims}, id_token=token["id_token"])


def _exchange(client) -> dict:
    try:
        return client.authorize_access_token()
    except MismatchingStateError as error:
        raise Refused("state") from error
    except OAuthError as error:  # the token endpoint refused the code (used, expired…)
        raise Refused("grant", error.error) from error
    except JoseError as error:  # signature, iss, aud, exp, nonce…
        raise Refused("token", repr(error)) from error
    except (requests.RequestException, ValueError) as error:
        raise Unavailable(str(error)) from error


def _userinfo(client, token: dict) -> dict:
    """The userinfo endpoint's claims: JSON, or a JWT signed by the provider (as
    FranceConnect's current platform answers), then verified like the ID token."""
    endpoint = _metadata(client)["userinfo_endpoint"]
    try:
        response = client.get(endpoint, token=token)
        response.raise_for_status()
        if response.headers.get("Content-Type", "").startswith("application/jwt"):
            return _signed_userinfo(client, response.text)
        return dict(response.json())
    except requests.HTTPError as error:
        if error.response is not None and error.response.status_code < 500:
            raise Refused("token", "userinfo refused") from error
        raise Unavailable(str(error)) from error
    except (requests.RequestException, ValueError) as error:
        raise Unavailable(str(error)) from error


def _signed_userinfo(client, text: str) -> dict:
    metadata = _metadata(client)
    try:
        keys = KeySet.import_key_set(client.fetch_jwk_set())
        decoded = jwt.decode(
            text, keys, algorithms=metadata.get("userinfo_signing_alg_values_supported")
        )
        JWTClaimsRegistry(
            iss={"essential": True, "value": metadata["issuer"]},
            aud={"essential": True, "value": client.client_id},
        ).validate(decoded.claims)
    except JoseError as error:
        raise Refused("token", f"userinfo: {error!r}") from error
    return dict(decoded.claims)


def logout_redirect(id_token: str, post_logout_redirect_uri: str):
    """The redirect to the provider's end-session endpoint (RP-initiated logout)."""
    client = _client()
    _metadata(client)
    return client.logout_redirect(
        post_logout_redirect_uri=post_logout_redirect_uri,
        id_token_hint=id_token,
        state=secrets.token_urlsafe(32),
    )


def finish_logout() -> None:
    """The return from the provider's logout: its ``state`` must be ours."""
    try:
        _client().validate_logout_response()
    except OAuthError as error:
        raise Refused("state") from error
