"""Tickets' endpoints, shaped like their service (``collab.service.tickets``): a ticket's
life (``lifecycle``), its conversation and steps (``conversation``) and the conflict path
(``conflicts``)."""

from fastapi import APIRouter

from collab.api.tickets import conflicts, conversation, lifecycle

router = APIRouter()
for module in (lifecycle, conversation, conflicts):
    router.include_router(module.router)
