"""Unique Pupil Number (UPN) check letters.

Why this module exists: the UPN is the identifier that follows a pupil between schools, the local
authority and the census; a mistyped UPN silently splits one child's record into two or, worse, attaches
a referral to another child. DfE builds a check letter into every UPN so that typing errors can be caught
at entry, and the school census rejects a UPN whose check letter is wrong (validation error 1510).

Format (DfE "Unique pupil numbers (UPN)" guidance; UK Government Data Standards Catalogue, Unique Pupil
Number v2.0): 13 characters. Character 1 is the check letter. Characters 2-13 are the 3-digit LA number,
the 4-digit DfE establishment number, the last two digits of the year of allocation and a 3-digit serial
(a *permanent* UPN), or a 2-digit serial followed by a letter (a *temporary* UPN, used while a permanent
one is traced).

Check letter: multiply characters 2..13 by weights 2..13 (a temporary UPN's final letter counts as its
index in the check alphabet below), add, take the remainder on division by 23, and map 0..22 to
A B C D E F G H J K L M N P Q R T U V W X Y Z (I, O and S are never used, to avoid confusion with 1, 0
and 5). Because 23 is prime and every weight and digit difference is below it, any single changed
character changes the remainder, so every single-character typing error is caught.

This module checks structure and the check letter only: it does not check that the LA number is a real
one, because LA codes change (reorganisations) and a structurally valid UPN from a new LA must not be
refused.
"""

from __future__ import annotations

import re

#: DfE's 23-letter check alphabet: A-Z without I, O and S. Index = value in the modulus 23 calculation.
CHECK_ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ"

#: Length of a UPN including its check letter.
UPN_LENGTH = 13

_BODY_RE = re.compile(rf"[0-9]{{11}}[0-9{CHECK_ALPHABET}]")


def _normalise(text: str) -> str:
    """Strip surrounding whitespace and upper-case.

    Why: UPNs are copied from letters, spreadsheets and MIS exports where trailing spaces and lower case
    are common and carry no meaning; the check letter itself is defined on upper-case letters.
    """
    return text.strip().upper()


def upn_check_letter(body: str) -> str:
    """The check letter for the 12 characters that follow it in a UPN.

    Why: DfE's published algorithm (weights 2..13 on characters 2..13, sum modulo 23, mapped onto
    :data:`CHECK_ALPHABET`). Used to generate valid UPNs for demo data and test factories, and by
    :func:`is_valid_upn`. ``body`` may be permanent (12 digits) or temporary (11 digits and a letter from
    the check alphabet); lower case and surrounding whitespace are accepted. Raises ``ValueError`` for
    any other text and ``TypeError`` for a non-string, because a check letter for a malformed body would
    be meaningless.
    """
    if not isinstance(body, str):
        raise TypeError("A UPN body must be text.")
    normalised = _normalise(body)
    if not _BODY_RE.fullmatch(normalised):
        raise ValueError(
            "A UPN body must be 11 digits followed by a digit or a letter other than I, O or S "
            f"(got {len(normalised)} characters)."
        )
    total = 0
    for weight, char in enumerate(normalised, start=2):
        value = int(char) if char.isdigit() else CHECK_ALPHABET.index(char)
        total += weight * value
    return CHECK_ALPHABET[total % 23]


def is_valid_upn(text: object) -> bool:
    """Whether ``text`` is a well-formed UPN with the right check letter.

    Why: DfE's UPN guidance and census validation 1510 -- a UPN must be 13 characters, a check letter
    from :data:`CHECK_ALPHABET`, eleven digits, then a digit (permanent) or a check-alphabet letter
    (temporary), with the check letter matching the algorithm. Surrounding whitespace and lower case are
    forgiven; anything else, including ``None`` and non-strings, is not a valid UPN and returns False
    rather than raising, so the function can be used directly in form validation.
    """
    if not isinstance(text, str):
        return False
    upn = _normalise(text)
    if len(upn) != UPN_LENGTH or upn[0] not in CHECK_ALPHABET:
        return False
    body = upn[1:]
    if not _BODY_RE.fullmatch(body):
        return False
    return upn_check_letter(body) == upn[0]


def make_upn(la_code: int, establishment: int, year: int, serial: int) -> str:
    """A valid permanent UPN built from its parts.

    Why: permanent UPNs are LA number (3 digits) + DfE establishment number (4 digits) + last two digits
    of the year of allocation + a 3-digit serial, preceded by the check letter (DfE UPN guidance). Demo
    data and test factories need realistic, valid UPNs; building them from the parts keeps them
    recognisable (e.g. LA 931 is Oxfordshire). ``year`` may be given as 2 or 4 digits; only its last two
    digits are used, as in a real UPN.
    """
    parts = (("LA code", la_code, 999), ("establishment number", establishment, 9999), ("serial", serial, 999))
    for name, value, top in parts:
        if not 0 <= value <= top:
            raise ValueError(f"The {name} must be between 0 and {top}, not {value}.")
    if year < 0:
        raise ValueError(f"The year of allocation must not be negative, not {year}.")
    body = f"{la_code:03d}{establishment:04d}{year % 100:02d}{serial:03d}"
    return upn_check_letter(body) + body
