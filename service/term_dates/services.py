"""Reading and editing an organisation's half-terms.

Readers turn rows into the pure ``HalfTerm`` the rules take; ``term_dates_of`` reads many organisations' in one
query for the lists that span commissioners. Editing is for the organisation's admin: half-terms must not overlap,
and each change is audited.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import sqlalchemy as sa

from service.audit import services as audit
from service.auth.models import User
from service.errors import FieldError
from service.extensions import db
from service.rules.dates import uk_date
from service.rules.review_dates import HalfTerm
from service.term_dates.models import TermDate


class TermDateError(FieldError):
    """A half-term the admin can correct (ends before it starts, overlaps another), attached to a field."""


def term_dates(organisation_id: int) -> list[HalfTerm]:
    rows = db.session.scalars(
        sa.select(TermDate).where(TermDate.organisation_id == organisation_id).order_by(TermDate.starts_on)
    )
    return [HalfTerm(row.name, row.starts_on, row.ends_on) for row in rows]


def term_dates_of(organisation_ids: Iterable[int]) -> dict[int, list[HalfTerm]]:
    """Each organisation's half-terms, oldest first, in one query: a provider works for many commissioners,
    and each placement follows its own commissioner's term dates."""
    ids = set(organisation_ids)
    found: dict[int, list[HalfTerm]] = {organisation_id: [] for organisation_id in ids}
    if ids:
        for row in db.session.scalars(
            sa.select(TermDate).where(TermDate.organisation_id.in_(ids)).order_by(TermDate.starts_on)
        ):
            found[row.organisation_id].append(HalfTerm(row.name, row.starts_on, row.ends_on))
    return found


def organisation_term_dates(user: User) -> list[TermDate]:
    return list(
        db.session.scalars(
            sa.select(TermDate).where(TermDate.organisation_id == user.organisation_id).order_by(TermDate.starts_on)
        )
    )


def add_term_date(user: User, name: str, starts_on: date, ends_on: date) -> TermDate:
    """Add a half-term to the admin's organisation: reviews fall due by these dates."""
    if ends_on < starts_on:
        raise TermDateError("ends_on", "The last day must be on or after the first day")
    for existing in organisation_term_dates(user):
        if starts_on <= existing.ends_on and existing.starts_on <= ends_on:
            raise TermDateError(
                "starts_on",
                f"These dates overlap {existing.name} ({uk_date(existing.starts_on)} to {uk_date(existing.ends_on)})",
            )
    term = TermDate(organisation_id=user.organisation_id, name=name.strip(), starts_on=starts_on, ends_on=ends_on)
    db.session.add(term)
    db.session.flush()
    audit.record("create", "term_date", term.id, user)
    return term


def delete_term_date(user: User, term_id: int) -> bool:
    term = db.session.scalar(
        sa.select(TermDate).where(TermDate.id == term_id, TermDate.organisation_id == user.organisation_id)
    )
    if term is None:
        return False
    db.session.delete(term)
    audit.record("delete", "term_date", term_id, user)
    return True
