"""Authentication and the signed-in staff member."""

from __future__ import annotations

from pydantic import Field

from .common import ContractModel
from .enums import Permission, Role


class LoginRequest(ContractModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class RefreshRequest(ContractModel):
    refresh_token: str


class TokenPair(ContractModel):
    access_token: str
    refresh_token: str
    token_type: str = "Bearer"
    expires_in: int  # seconds until the access token expires
    refresh_expires_in: int


class Me(ContractModel):
    staff_id: str
    username: str
    display_name: str
    roles: list[Role]
    permissions: list[Permission]

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions
