"""Typed, non-secret settings stored with QSettings.

Every setting is declared once in this module (key, type, default), so the whole on-disk schema
can be read in one place. Secrets never live here: passwords and tokens belong in the OS keyring
(:mod:`bo_desktop.core.credentials`); :meth:`Settings._write` refuses keys that look secret as a
last line of defence.

The file is an INI file in the user config dir (``$XDG_CONFIG_HOME/bo-desktop/bo-desktop.ini`` on
Linux) on every platform: one readable format that support staff can inspect and tests can grep.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from bo_desktop import APP_NAME, ORG_NAME


class Environment(StrEnum):
    """What kind of platform a server profile points at; drives the banner colour."""

    SANDBOX = "sandbox"
    STAGING = "staging"
    PRODUCTION = "production"


class ThemeOverride(StrEnum):
    SYSTEM = "system"  # follow the OS colour scheme
    LIGHT = "light"
    DARK = "dark"


@dataclass(frozen=True)
class ServerProfile:
    name: str
    url: str
    environment: Environment

    @property
    def normalized_url(self) -> str:
        return normalize_url(self.url)


def normalize_url(url: str) -> str:
    """``HTTPS://Host:443/`` and ``https://host:443`` are the same server for keys and layouts."""
    url = url.strip().rstrip("/")
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    host, slash, path = rest.partition("/")
    return f"{scheme.lower()}://{host.lower()}{slash}{path}"


def _scope_key(server_url: str, username: str) -> str:
    # A hash keeps URLs (with ':' and '/') out of QSettings group names, which treat '/' as nesting.
    raw = f"{normalize_url(server_url)}\n{username.strip().lower()}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


# -- the declared keys -----------------------------------------------------------------------------
# Fixed keys; per user+server keys live under "scoped/<hash>/...".
KEY_PROFILES = "servers/profiles"  # JSON list of {name, url, environment}
KEY_LAST_PROFILE = "session/last_profile"  # profile name
KEY_LAST_USERNAME = "session/last_username"
KEY_THEME = "appearance/theme"  # ThemeOverride
SCOPED_GEOMETRY = "window_geometry"  # QByteArray from QMainWindow.saveGeometry()
SCOPED_STATE = "window_state"  # QByteArray from QMainWindow.saveState()
SCOPED_ME = "last_me"  # JSON of the last /me (name, roles, permissions) for offline start
SCOPED_REMEMBER = "remember_me"  # bool: the user asked to stay signed in

_SECRET_WORDS = ("password", "token", "secret", "credential")


class Settings:
    """Typed access to the app's settings. Create one per process (or per test, with ``path``)."""

    def __init__(self, path: Path | None = None) -> None:
        if path is None:
            self._qs = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORG_NAME, APP_NAME)
        else:
            self._qs = QSettings(str(path), QSettings.Format.IniFormat)

    @property
    def file_path(self) -> Path:
        return Path(self._qs.fileName())

    def sync(self) -> None:
        self._qs.sync()

    # -- server profiles -------------------------------------------------------------------------

    def profiles(self) -> list[ServerProfile]:
        raw = self._read_str(KEY_PROFILES, "[]")
        try:
            items = json.loads(raw)
        except ValueError:
            return []
        result: list[ServerProfile] = []
        for item in items if isinstance(items, list) else []:
            try:
                result.append(
                    ServerProfile(
                        name=str(item["name"]),
                        url=str(item["url"]),
                        environment=Environment(item.get("environment", Environment.PRODUCTION)),
                    )
                )
            except (KeyError, ValueError, TypeError, AttributeError):
                continue  # one bad entry must not hide the others
        return result

    def save_profile(self, profile: ServerProfile) -> None:
        """Add or replace (by name) a server profile."""
        others = [p for p in self.profiles() if p.name != profile.name]
        items = [{"name": p.name, "url": p.url, "environment": p.environment.value} for p in others]
        items.append({"name": profile.name, "url": profile.url, "environment": profile.environment.value})
        self._write(KEY_PROFILES, json.dumps(items))

    def remove_profile(self, name: str) -> None:
        items = [
            {"name": p.name, "url": p.url, "environment": p.environment.value}
            for p in self.profiles()
            if p.name != name
        ]
        self._write(KEY_PROFILES, json.dumps(items))

    def profile(self, name: str) -> ServerProfile | None:
        return next((p for p in self.profiles() if p.name == name), None)

    # -- last session ----------------------------------------------------------------------------

    @property
    def last_profile(self) -> str:
        return self._read_str(KEY_LAST_PROFILE, "")

    @last_profile.setter
    def last_profile(self, name: str) -> None:
        self._write(KEY_LAST_PROFILE, name)

    @property
    def last_username(self) -> str:
        return self._read_str(KEY_LAST_USERNAME, "")

    @last_username.setter
    def last_username(self, username: str) -> None:
        self._write(KEY_LAST_USERNAME, username)

    # -- appearance ------------------------------------------------------------------------------

    @property
    def theme(self) -> ThemeOverride:
        try:
            return ThemeOverride(self._read_str(KEY_THEME, ThemeOverride.SYSTEM.value))
        except ValueError:
            return ThemeOverride.SYSTEM

    @theme.setter
    def theme(self, value: ThemeOverride) -> None:
        self._write(KEY_THEME, value.value)

    # -- per user + server -----------------------------------------------------------------------

    def window_layout(self, server_url: str, username: str) -> tuple[QByteArray | None, QByteArray | None]:
        """(geometry, dock state) saved for this user on this server, or Nones."""
        with self._scoped(server_url, username):
            geometry = self._qs.value(SCOPED_GEOMETRY)
            state = self._qs.value(SCOPED_STATE)
        return (
            geometry if isinstance(geometry, QByteArray) else None,
            state if isinstance(state, QByteArray) else None,
        )

    def save_window_layout(
        self, server_url: str, username: str, geometry: QByteArray, state: QByteArray
    ) -> None:
        with self._scoped(server_url, username):
            self._qs.setValue(SCOPED_GEOMETRY, geometry)
            self._qs.setValue(SCOPED_STATE, state)

    def clear_window_layout(self, server_url: str, username: str) -> None:
        with self._scoped(server_url, username):
            self._qs.remove(SCOPED_GEOMETRY)
            self._qs.remove(SCOPED_STATE)

    def last_me(self, server_url: str, username: str) -> dict[str, Any] | None:
        """The profile (no secrets) of the last successful sign-in, for an offline start."""
        with self._scoped(server_url, username):
            raw = self._qs.value(SCOPED_ME)
        if not isinstance(raw, str):
            return None
        try:
            value = json.loads(raw)
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    def save_last_me(self, server_url: str, username: str, me: dict[str, Any]) -> None:
        with self._scoped(server_url, username):
            self._write(SCOPED_ME, json.dumps(me, default=str))

    def remember_me(self, server_url: str, username: str) -> bool:
        with self._scoped(server_url, username):
            return self._read_bool(SCOPED_REMEMBER, False)

    def set_remember_me(self, server_url: str, username: str, remember: bool) -> None:
        with self._scoped(server_url, username):
            self._write(SCOPED_REMEMBER, remember)

    # -- internals -------------------------------------------------------------------------------

    @contextmanager
    def _scoped(self, server_url: str, username: str) -> Iterator[None]:
        self._qs.beginGroup(f"scoped/{_scope_key(server_url, username)}")
        try:
            yield
        finally:
            self._qs.endGroup()

    def _read_str(self, key: str, default: str) -> str:
        value = self._qs.value(key, default)
        return value if isinstance(value, str) else default

    def _read_bool(self, key: str, default: bool) -> bool:
        value = self._qs.value(key, default)
        if isinstance(value, str):  # INI files give strings back
            return value.lower() in ("true", "1", "yes")
        return bool(value)

    def _write(self, key: str, value: object) -> None:
        lowered = key.lower()
        if any(word in lowered for word in _SECRET_WORDS):
            raise ValueError(f"refusing to store {key!r} in settings: secrets belong in the keyring")
        self._qs.setValue(key, value)
