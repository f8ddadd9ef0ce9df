"""The one route without an account: a customer's single-use feedback link."""

from __future__ import annotations

from fastapi import APIRouter, Response

from performance.schemas import CustomerFeedbackCreate
from performance.service import feedback
from shared.db import SessionDep

router = APIRouter(tags=["reviews"])


@router.post("/customer-feedback/{token}", status_code=204, response_class=Response)
async def customer_feedback(
    token: str, body: CustomerFeedbackCreate, session: SessionDep
) -> Response:
    """A customer rates the reviewee through the link they were sent; it works once."""
    await feedback.customer_feedback(session, token=token, body=body)
    return Response(status_code=204)
