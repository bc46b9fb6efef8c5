"""UPN check letters (DfE algorithm: characters 2..13 weighted 2..13, sum mod 23, 23-letter alphabet).

Every expected check letter below was worked out by hand. Index of each letter in the check alphabet:
A0 B1 C2 D3 E4 F5 G6 H7 J8 K9 L10 M11 N12 P13 Q14 R15 T16 U17 V18 W19 X20 Y21 Z22 (no I, O, S).
"""

import pytest

from service.rules.upn import is_valid_upn, make_upn, upn_check_letter

# Worked example, body 931200124001 (LA 931, establishment 2001, year 24, serial 001):
#   9x2=18  3x3=9  1x4=4  2x5=10  0x6=0  0x7=0  1x8=8  2x9=18  4x10=40  0x11=0  0x12=0  1x13=13
#   total 120; 120 - 5x23 = 120 - 115 = 5 -> F
VALID_UPNS = [
    pytest.param("F931200124001", id="worked-example-total-120-mod-23-is-5"),
    # 931200124002: 120 + 13 = 133; 133 - 115 = 18 -> V (index past the skipped S)
    pytest.param("V931200124002", id="remainder-18-is-V-not-S"),
    # 931200124003: 120 + 26 = 146; 146 - 138 = 8 -> J (index past the skipped I)
    pytest.param("J931200124003", id="remainder-8-is-J-not-I"),
    # 801200005001: 16+0+4+10+0+0+0+0+50+0+0+13 = 93; 93 - 92 = 1 -> B
    pytest.param("B801200005001", id="total-93-is-B"),
    # 207000016049: 2x2 + 7x4 + 1x9 + 6x10 + 4x12 + 9x13 = 4+28+9+60+48+117 = 266; 266 - 253 = 13 -> P
    pytest.param("P207000016049", id="total-266-is-P"),
    # 123456789012: 2+6+12+20+30+42+56+72+90+0+12+26 = 368 = 16x23 -> 0 -> A
    pytest.param("A123456789012", id="total-368-divisible-is-A"),
    # 999999999999: 9 x (2+3+...+13) = 9 x 90 = 810; 810 - 805 = 5 -> F
    pytest.param("F999999999999", id="all-nines-total-810"),
    # Temporary UPNs: final letter counts as its alphabet index, weight 13.
    # 93120012400A: 120 - 13 (serial digit 1 gone) + 0x13 = 107; 107 - 92 = 15 -> R
    pytest.param("R93120012400A", id="temporary-ending-A-total-107"),
    # 93120012400Z: 107 + 22x13 = 107 + 286 = 393; 393 - 391 = 2 -> C
    pytest.param("C93120012400Z", id="temporary-ending-Z-total-393"),
]


@pytest.mark.parametrize("upn", VALID_UPNS)
def test_valid_upns(upn: str) -> None:
    assert is_valid_upn(upn) is True


@pytest.mark.parametrize("upn", VALID_UPNS)
def test_check_letter_of_body(upn: str) -> None:
    assert upn_check_letter(upn[1:]) == upn[0]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("f931200124001", id="lower-case"),
        pytest.param("r93120012400a", id="lower-case-temporary"),
        pytest.param("  F931200124001\n", id="surrounding-whitespace"),
        pytest.param("\tj931200124003 ", id="whitespace-and-lower-case"),
    ],
)
def test_normalised_input_accepted(text: str) -> None:
    assert is_valid_upn(text) is True


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("F93120012400", id="length-12"),
        pytest.param("F9312001240010", id="length-14"),
        pytest.param("", id="empty"),
        pytest.param("   ", id="blank"),
        pytest.param("F931 200124001", id="inner-space"),
        pytest.param("F931-200124001", id="hyphen"),
        pytest.param("9312001240015", id="digit-as-check-letter"),
        pytest.param("I931200124003", id="I-where-naive-A-to-Z-would-give-I"),
        pytest.param("S931200124002", id="S-where-naive-A-to-Z-would-give-S"),
        pytest.param("I931200124001", id="I-never-a-check-letter"),
        pytest.param("O931200124001", id="O-never-a-check-letter"),
        pytest.param("S931200124001", id="S-never-a-check-letter"),
        pytest.param("Q207000016049", id="Q-from-a-mis-added-published-example"),
        pytest.param("F93120012A001", id="letter-in-the-middle"),
        pytest.param("X93120012400I", id="temporary-ending-I"),
        pytest.param("X93120012400O", id="temporary-ending-O"),
        pytest.param("X93120012400S", id="temporary-ending-S"),
        pytest.param("F９31200124001", id="non-ascii-digit"),
    ],
)
def test_invalid_text_rejected(text: str) -> None:
    assert is_valid_upn(text) is False


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(None, id="None"),
        pytest.param(931200124001, id="int"),
        pytest.param(b"F931200124001", id="bytes"),
        pytest.param(["F931200124001"], id="list"),
    ],
)
def test_non_strings_rejected(value: object) -> None:
    assert is_valid_upn(value) is False


# Any character a UPN may contain somewhere; hand-typed rather than imported from the module under test.
UPN_CHARACTERS = "0123456789ABCDEFGHJKLMNPQRTUVWXYZ"

# In the last position a temporary UPN's letter weighs its alphabet index, so digit d and the d-th letter
# carry the same value there (0/A, 1/B, ..., 7/H, 8/J, 9/K): DfE's algorithm cannot tell them apart.
SAME_VALUE_IN_LAST_POSITION = {
    "0": "A", "1": "B", "2": "C", "3": "D", "4": "E", "5": "F", "6": "G", "7": "H", "8": "J", "9": "K",
}  # fmt: skip
SAME_VALUE_IN_LAST_POSITION |= {letter: digit for digit, letter in SAME_VALUE_IN_LAST_POSITION.items()}


@pytest.mark.parametrize("upn", ["F931200124001", "P207000016049", "R93120012400A"])
@pytest.mark.parametrize("position", range(13))
def test_every_single_character_corruption_rejected(upn: str, position: int) -> None:
    """Any one changed character is caught, except the same-value digit/letter swap in the last position."""
    excluded = {upn[position]}
    if position == 12:
        excluded.add(SAME_VALUE_IN_LAST_POSITION[upn[position]])
    corrupted = [upn[:position] + replacement + upn[position + 1 :] for replacement in UPN_CHARACTERS]
    corrupted = [text for text in corrupted if text[position] not in excluded]
    assert len(corrupted) == len(UPN_CHARACTERS) - len(excluded)
    accepted = [text for text in corrupted if is_valid_upn(text)]
    assert accepted == []


@pytest.mark.parametrize(
    ("permanent", "temporary"),
    [
        pytest.param("F931200124001", "F93120012400B", id="1-and-B"),
        pytest.param("P207000016049", "P20700001604K", id="9-and-K"),
        pytest.param("R931200124000", "R93120012400A", id="0-and-A"),
    ],
)
def test_known_blind_spot_of_the_algorithm(permanent: str, temporary: str) -> None:
    """Documented limitation: both forms are valid because they have the same check sum."""
    assert is_valid_upn(permanent) is True
    assert is_valid_upn(temporary) is True


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("93120012400", id="too-short"),
        pytest.param("9312001240011", id="too-long"),
        pytest.param("93120A124001", id="letter-in-the-middle"),
        pytest.param("93120012400I", id="temporary-letter-I"),
        pytest.param("", id="empty"),
    ],
)
def test_check_letter_of_malformed_body_raises(body: str) -> None:
    with pytest.raises(ValueError):
        upn_check_letter(body)


def test_check_letter_of_non_string_raises_type_error() -> None:
    with pytest.raises(TypeError):
        upn_check_letter(931200124001)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("la_code", "establishment", "year", "serial", "expected"),
    [
        pytest.param(931, 2001, 24, 1, "F931200124001", id="oxfordshire-two-digit-year"),
        pytest.param(931, 2001, 2024, 1, "F931200124001", id="four-digit-year"),
        pytest.param(801, 2000, 5, 1, "B801200005001", id="zero-padded-year"),
        pytest.param(207, 0, 16, 49, "P207000016049", id="zero-establishment-padded-serial"),
        pytest.param(931, 2001, 24, 3, "J931200124003", id="check-letter-J"),
    ],
)
def test_make_upn(la_code: int, establishment: int, year: int, serial: int, expected: str) -> None:
    assert make_upn(la_code, establishment, year, serial) == expected


@pytest.mark.parametrize(
    ("la_code", "establishment", "year", "serial"),
    [
        pytest.param(1000, 2001, 24, 1, id="la-code-4-digits"),
        pytest.param(-1, 2001, 24, 1, id="la-code-negative"),
        pytest.param(931, 10000, 24, 1, id="establishment-5-digits"),
        pytest.param(931, 2001, 24, 1000, id="serial-4-digits"),
        pytest.param(931, 2001, -1, 1, id="year-negative"),
    ],
)
def test_make_upn_rejects_out_of_range_parts(la_code: int, establishment: int, year: int, serial: int) -> None:
    with pytest.raises(ValueError):
        make_upn(la_code, establishment, year, serial)
