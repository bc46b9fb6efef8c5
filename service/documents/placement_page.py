"""The documents feature's part of the placement page: the placement's documents, the kinds a commissioner can
produce, and the pack sections kept from the provider (which the page must not show a provider either)."""

from __future__ import annotations

from datetime import date
from typing import Any

from service.auth.models import User
from service.documents import services
from service.documents.kinds.support_plan import kept_from_provider
from service.placements.models import Placement
from service.rules.roles import Role
from service.signals import placement_page


@placement_page.connect
def documents_section(placement: Placement, *, user: User, today: date) -> dict[str, Any]:
    is_commissioner = user.role is Role.COMMISSIONER
    return {
        "documents": services.documents_for(placement, user),
        "producible": services.placement_document_types() if is_commissioner else [],
        "kept_from_provider": set() if is_commissioner else kept_from_provider(placement),
        # The "Produce" form's token: a double click sends it twice, and makes one document (views.request_document).
        "document_request_token": services.new_request_token() if is_commissioner else "",
    }
