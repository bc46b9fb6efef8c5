"""Attached or linked: addresses in trusted domains get the PDF, everyone else a link (when so chosen)."""

import pytest

from service.rules.delivery import Delivery, MailDelivery, delivery_for, is_trusted

TRUSTED = ["northbridge.sch.uk", "sch.uk", "Gov.UK ", "@la.example", "*.nhs.net"]


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("senco@northbridge.sch.uk", True),
        ("head@other.sch.uk", True),  # subdomain of a trusted domain
        ("a.person@GOV.UK", True),  # case does not matter
        ("officer@la.example", True),  # a leading @ in the setting is forgiven
        ("nurse@trust.nhs.net", True),  # so is *.
        ("x@evilsch.uk", False),  # a whole label must match
        ("x@sch.uk.evil.example", False),
        ("parent@gmail.com", False),
        ("not-an-address", False),
        ("", False),
    ],
)
def test_is_trusted(address, expected):
    assert is_trusted(address, TRUSTED) is expected


@pytest.mark.parametrize(
    ("address", "mode", "expected"),
    [
        ("parent@gmail.com", MailDelivery.ATTACH, Delivery.ATTACH),
        ("parent@gmail.com", MailDelivery.LINK_OUTSIDE_TRUSTED, Delivery.LINK),
        ("senco@northbridge.sch.uk", MailDelivery.LINK_OUTSIDE_TRUSTED, Delivery.ATTACH),
        ("senco@northbridge.sch.uk", MailDelivery.ATTACH, Delivery.ATTACH),
    ],
)
def test_delivery_for(address, mode, expected):
    assert delivery_for(address, mode, TRUSTED) is expected


def test_no_trusted_domains_means_links_for_everyone():
    assert delivery_for("senco@northbridge.sch.uk", MailDelivery.LINK_OUTSIDE_TRUSTED, []) is Delivery.LINK
