"""bo-desktop: desktop back-office client for online-casino operators."""

from importlib.metadata import PackageNotFoundError, version

try:
    # One source of truth for the version: pyproject.toml, read back from the installed metadata.
    __version__ = version("bo-desktop")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"

APP_NAME = "bo-desktop"
ORG_NAME = "bo-desktop"
