"""The pupil services on their own: deny-by-default scoping and what a save does when two people race."""

from __future__ import annotations

from datetime import date

import pytest

from service.extensions import db
from service.pupils import services
from service.pupils.models import SafeguardingStatus, SenStatus


def _details(upn: str | None) -> services.PupilDetails:
    return services.PupilDetails(
        legal_first_name="Kai",
        legal_last_name="Moss",
        preferred_name=None,
        date_of_birth=date(2011, 1, 1),
        upn=upn,
        school_id=None,
        sen_status=SenStatus.NONE,
        safeguarding_status=SafeguardingStatus.NONE_KNOWN,
    )


@pytest.mark.parametrize("role", ["admin", "viewer", "provider_user"])
def test_only_commissioners_see_any_pupil(request, role, pupil):
    user = request.getfixturevalue(role)
    assert db.session.scalars(services.visible_pupils(user)).all() == []
    assert services.get_pupil_for(user, pupil.id) is None


def test_commissioner_sees_own_organisation_only(commissioner, other_commissioner, pupil, other_pupil):
    assert db.session.scalars(services.visible_pupils(commissioner)).all() == [pupil]
    assert services.get_pupil_for(other_commissioner, pupil.id) is None


def test_a_duplicate_upn_that_slips_past_the_check_still_gets_the_field_message(commissioner, pupil, monkeypatch):
    monkeypatch.setattr(services, "upn_in_use", lambda *args, **kwargs: False)  # another save won the race
    with pytest.raises(services.PupilError) as raised:
        services.create_pupil(commissioner, _details(pupil.upn))
    assert (raised.value.field, raised.value.message) == ("upn", "A pupil with this UPN already exists")
    db.session.rollback()


def test_pupils_without_a_upn_do_not_clash(commissioner):
    first = services.create_pupil(commissioner, _details(None))
    second = services.create_pupil(commissioner, _details("  "))
    assert first.id != second.id and first.upn is None and second.upn is None
