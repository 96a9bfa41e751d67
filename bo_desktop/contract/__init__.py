"""API v1 contract: pydantic models shared by the client and the sandbox platform.

The only package both sides import. It must not import anything else from bo_desktop.
"""

from .common import API_PREFIX, ContractModel, Page, Problem, etag_for, version_from_etag

__all__ = ["API_PREFIX", "ContractModel", "Page", "Problem", "etag_for", "version_from_etag"]
