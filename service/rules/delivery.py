"""Whether a document goes attached to the email or as a link that expires.

Why: a PDF attached to an email sits in the recipient's mailbox for ever and can be forwarded; a link
that expires leaves the document in apdocs, where access is logged. An organisation chooses: attach for
everyone, or attach only for addresses in domains it trusts (its own, the LA's, secure government mail)
and send everyone else a link.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable


class MailDelivery(enum.StrEnum):
    """How documents go out by email: attached, or as an expiring link for addresses outside trusted domains."""

    ATTACH = "attach"
    LINK_OUTSIDE_TRUSTED = "link_outside_trusted"

    @property
    def label(self) -> str:
        return {
            "attach": "Attach the PDF to every email",
            "link_outside_trusted": "Attach the PDF only for trusted domains; send everyone else a link that expires",
        }[self.value]


class Delivery(enum.StrEnum):
    ATTACH = "attach"
    LINK = "link"


def domain_of(address: str) -> str:
    return address.rpartition("@")[2].strip().lower().rstrip(".")


def is_trusted(address: str, trusted_domains: Iterable[str]) -> bool:
    """The address's domain is a trusted domain or a subdomain of one (``sch.uk`` trusts ``x.sch.uk``).

    ``evilsch.uk`` is not a subdomain of ``sch.uk``: only a whole label matches.
    """
    domain = domain_of(address)
    if not domain:
        return False
    for trusted in trusted_domains:
        trusted = trusted.strip().lower().lstrip("@").lstrip("*").lstrip(".").rstrip(".")
        if trusted and (domain == trusted or domain.endswith("." + trusted)):
            return True
    return False


def delivery_for(address: str, mode: MailDelivery, trusted_domains: Iterable[str]) -> Delivery:
    if mode is MailDelivery.ATTACH or is_trusted(address, trusted_domains):
        return Delivery.ATTACH
    return Delivery.LINK
