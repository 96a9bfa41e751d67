"""Authentication: login, refresh rotation and reuse detection, logout, expiry."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
from api_helpers import assert_problem

from bo_desktop.contract.auth import TokenPair


def _login(api_url: str, username: str = "payments1", password: str = "sandbox") -> httpx.Response:
    return httpx.post(f"{api_url}/auth/login", json={"username": username, "password": password})


def _me(api_url: str, access_token: str) -> httpx.Response:
    return httpx.get(f"{api_url}/me", headers={"Authorization": f"Bearer {access_token}"})


def _refresh(api_url: str, refresh_token: str) -> httpx.Response:
    return httpx.post(f"{api_url}/auth/refresh", json={"refresh_token": refresh_token})


def test_login_returns_a_token_pair_that_works(sandbox: Any) -> None:
    response = _login(sandbox.api_url)
    assert response.status_code == 200, response.text
    pair = TokenPair.model_validate(response.json())
    assert pair.token_type == "Bearer"
    assert pair.expires_in == sandbox.state.config.access_token_ttl
    me = _me(sandbox.api_url, pair.access_token).json()
    assert me["username"] == "payments1" and me["roles"] == ["payments"]


def test_wrong_password_and_unknown_user_look_the_same(sandbox: Any) -> None:
    wrong = assert_problem(_login(sandbox.api_url, password="nope"), 401, "invalid_credentials")
    unknown = assert_problem(_login(sandbox.api_url, username="nobody"), 401, "invalid_credentials")
    assert wrong["detail"] == unknown["detail"]


def test_garbage_and_forged_tokens_are_401(sandbox: Any) -> None:
    assert_problem(_me(sandbox.api_url, "garbage"), 401, "invalid_token")
    access = _login(sandbox.api_url).json()["access_token"]
    payload, _, signature = access.partition(".")
    forged = payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB") + "." + signature
    assert_problem(_me(sandbox.api_url, forged), 401, "invalid_token")


def test_refresh_rotates_and_reuse_ends_the_session(sandbox: Any) -> None:
    first = _login(sandbox.api_url).json()
    rotated = _refresh(sandbox.api_url, first["refresh_token"])
    assert rotated.status_code == 200, rotated.text
    second = rotated.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert _me(sandbox.api_url, second["access_token"]).status_code == 200

    # The old refresh token comes back: someone copied it. The whole family is revoked.
    assert_problem(_refresh(sandbox.api_url, first["refresh_token"]), 401, "refresh_token_reused")
    assert_problem(_refresh(sandbox.api_url, second["refresh_token"]), 401, "invalid_refresh_token")
    assert_problem(_me(sandbox.api_url, second["access_token"]), 401, "session_revoked")
    # Other sessions of the same person are untouched.
    assert _me(sandbox.api_url, _login(sandbox.api_url).json()["access_token"]).status_code == 200


def test_logout_revokes_the_session(sandbox: Any) -> None:
    pair = _login(sandbox.api_url).json()
    headers = {"Authorization": f"Bearer {pair['access_token']}"}
    out = httpx.post(
        f"{sandbox.api_url}/auth/logout", json={"refresh_token": pair["refresh_token"]}, headers=headers
    )
    assert out.status_code == 204, out.text
    assert_problem(_refresh(sandbox.api_url, pair["refresh_token"]), 401, "invalid_refresh_token")
    assert_problem(_me(sandbox.api_url, pair["access_token"]), 401, "session_revoked")


def test_logins_are_audited(sandbox: Any, admin: httpx.Client) -> None:
    _login(sandbox.api_url, username="compliance")
    trail = admin.get("/audit", params={"action": "staff.login", "entity_id": "ST-004"}).json()["data"]
    assert trail and trail[0]["actor_id"] == "ST-004"


def test_an_expired_access_token_is_token_expired_and_refresh_recovers(
    fresh_sandbox: Callable[..., Any],
) -> None:
    api_url = fresh_sandbox(access_token_ttl=1, players=30, simulator=False).api_url
    pair = _login(api_url).json()
    assert pair["expires_in"] == 1
    time.sleep(1.2)
    assert_problem(_me(api_url, pair["access_token"]), 401, "token_expired")
    fresh = _refresh(api_url, pair["refresh_token"])
    assert fresh.status_code == 200, fresh.text
    assert _me(api_url, fresh.json()["access_token"]).status_code == 200


def test_repeated_failures_are_throttled_with_retry_after(sandbox: Any) -> None:
    # An unknown name: the throttle treats it like a real one, and no demo login gets locked.
    username = "throttle-probe"
    for _ in range(10):
        assert_problem(_login(sandbox.api_url, username=username), 401, "invalid_credentials")
    throttled = _login(sandbox.api_url, username=username)
    body = assert_problem(throttled, 429, "rate_limited")
    assert int(throttled.headers["Retry-After"]) >= 1 and body["retry_after"] >= 1
    assert _login(sandbox.api_url).status_code == 200  # other usernames are unaffected
