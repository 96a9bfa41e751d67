"""Settings: typed round trips, per user+server scoping, and refusal of secret-looking keys."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QByteArray

from bo_desktop.core.settings import (
    Environment,
    ServerProfile,
    Settings,
    ThemeOverride,
    normalize_url,
)


@pytest.fixture
def settings(tmp_path):
    return Settings(tmp_path / "bo-desktop.ini")


def test_profiles_round_trip_and_replace_by_name(settings, tmp_path):
    settings.save_profile(ServerProfile("Malta prod", "https://bo.example.com", Environment.PRODUCTION))
    settings.save_profile(ServerProfile("Staging", "https://staging.example.com", Environment.STAGING))
    settings.save_profile(ServerProfile("Staging", "https://stg2.example.com", Environment.STAGING))
    settings.sync()
    reread = Settings(tmp_path / "bo-desktop.ini")
    profiles = {p.name: p for p in reread.profiles()}
    assert set(profiles) == {"Malta prod", "Staging"}
    assert profiles["Staging"].url == "https://stg2.example.com"
    assert profiles["Malta prod"].environment is Environment.PRODUCTION
    reread.remove_profile("Staging")
    assert [p.name for p in reread.profiles()] == ["Malta prod"]


def test_corrupt_profiles_are_skipped_not_fatal(settings):
    settings._qs.setValue("servers/profiles", '[{"name": "ok", "url": "https://a"}, {"bad": 1}, 3]')
    assert [p.name for p in settings.profiles()] == ["ok"]
    settings._qs.setValue("servers/profiles", "not json")
    assert settings.profiles() == []


def test_last_session_and_theme(settings):
    assert settings.last_profile == "" and settings.theme is ThemeOverride.SYSTEM
    settings.last_profile = "Staging"
    settings.last_username = "payments1"
    settings.theme = ThemeOverride.DARK
    assert (settings.last_profile, settings.last_username, settings.theme) == (
        "Staging",
        "payments1",
        ThemeOverride.DARK,
    )


def test_layout_is_scoped_per_user_and_server(settings):
    geometry, state = QByteArray(b"geo"), QByteArray(b"state")
    settings.save_window_layout("https://A.example.com/", "Payments1", geometry, state)
    # Same server written differently, same user in another case: same scope.
    assert settings.window_layout("https://a.example.com", "payments1") == (geometry, state)
    assert settings.window_layout("https://b.example.com", "payments1") == (None, None)
    assert settings.window_layout("https://a.example.com", "manager1") == (None, None)
    settings.clear_window_layout("https://a.example.com", "payments1")
    assert settings.window_layout("https://a.example.com", "payments1") == (None, None)


def test_last_me_and_remember_flag(settings):
    me = {"staff_id": "S-1", "username": "u", "display_name": "U", "roles": [], "permissions": []}
    settings.save_last_me("https://a", "u", me)
    settings.set_remember_me("https://a", "u", True)
    assert settings.last_me("https://a", "u") == me
    assert settings.remember_me("https://a", "u") is True
    assert settings.remember_me("https://a", "other") is False


@pytest.mark.parametrize("key", ["password", "session/refresh_token", "api/Secret", "user/credentials"])
def test_secret_looking_keys_are_refused(settings, key):
    with pytest.raises(ValueError, match="keyring"):
        settings._write(key, "x")


def test_normalize_url():
    assert normalize_url(" HTTPS://Bo.Example.COM:8443/ ") == "https://bo.example.com:8443"
    assert normalize_url("http://h/api/Path/") == "http://h/api/Path"
