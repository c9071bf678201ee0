"""`GET /api/me`: the caller's key, role and tenant, and what its role lets it do (the review
page shows only that)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from src.adapters.driving.http.dependencies import CallerDep
from src.domain.access.roles import Caller, Role

router = APIRouter(tags=["access"])


class MeOut(BaseModel):
    key: str | None = Field(description="The key's name; null while the API has no key.")
    role: Role
    tenant: str
    may_look_up: bool = Field(description="Look up fields, submit and follow its own jobs.")
    may_review: bool = Field(description="Decide on values and read or fill its tenant's queue.")
    may_administer: bool = Field(
        description="Accept corrections of the catalogue's examples; see and cancel every job "
        "and read the usage of every key of its tenant."
    )

    @classmethod
    def of(cls, caller: Caller) -> MeOut:
        return cls(
            key=caller.key,
            role=caller.role,
            tenant=caller.tenant,
            may_look_up=caller.role.allows(Role.LOOKUP),
            may_review=caller.role.allows(Role.REVIEWER),
            may_administer=caller.role.allows(Role.ADMIN),
        )


@router.get("/api/me", response_model=MeOut, summary="The caller's key, role and tenant")
async def me(caller: CallerDep) -> MeOut:
    return MeOut.of(caller)
