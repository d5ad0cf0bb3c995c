"""Person identifiers: validation, normalisation, and encryption at rest with exact-match lookup."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import translation

from kotopaikka.people import selectors
from kotopaikka.people.identifiers import (
    IdentifierKind,
    InvalidIdentifier,
    hetu_birth_date,
    normalise,
)
from kotopaikka.people.models import PersonIdentifier

CHECK_CHARACTERS = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def make_hetu(birth: dt.date, sign: str, individual: int) -> str:
    """An identity code with a correct check character (computed here, independently)."""
    digits = f"{birth:%d%m%y}{individual:03d}"
    return f"{birth:%d%m%y}{sign}{individual:03d}{CHECK_CHARACTERS[int(digits) % 31]}"


# --- personal identity code ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "temporary", "birth"),
    [
        # DVV's published test codes (temporary range 900-999), new century signs.
        ("010594Y9032", True, dt.date(1994, 5, 1)),
        ("010516B903X", True, dt.date(2016, 5, 1)),
        ("020504B904H", True, dt.date(2004, 5, 2)),
        # Old-style sign, ordinary (non-temporary) individual number.
        ("131052-308T", False, dt.date(1952, 10, 13)),
    ],
)
def test_valid_hetu(code, temporary, birth):
    result = normalise(IdentifierKind.HETU, code)
    assert result.kind == IdentifierKind.HETU
    assert result.value == code
    assert result.is_temporary is temporary
    assert hetu_birth_date(result.value) == birth


def test_generated_code_with_a_sign():
    code = make_hetu(dt.date(2012, 3, 14), "A", 123)
    result = normalise("hetu", code)
    assert result.value == code
    assert result.is_temporary is False
    assert hetu_birth_date(code) == dt.date(2012, 3, 14)


@pytest.mark.parametrize("sign", list("-YXWVU"))
def test_all_1900s_signs(sign):
    code = make_hetu(dt.date(1987, 11, 30), sign, 950)
    assert normalise("hetu", code).value == code
    assert hetu_birth_date(code) == dt.date(1987, 11, 30)


@pytest.mark.parametrize("sign", list("ABCDEF"))
def test_all_2000s_signs(sign):
    code = make_hetu(dt.date(2009, 7, 4), sign, 950)
    assert normalise("hetu", code).value == code
    assert hetu_birth_date(code) == dt.date(2009, 7, 4)


def test_1800s_sign():
    code = make_hetu(dt.date(1899, 12, 31), "+", 950)
    assert normalise("hetu", code).value == code
    assert hetu_birth_date(code) == dt.date(1899, 12, 31)


def test_birth_date_of_new_signs():
    assert hetu_birth_date("010594Y9032") == dt.date(1994, 5, 1)
    assert hetu_birth_date("010516B903X") == dt.date(2016, 5, 1)


def test_temporary_boundary():
    birth = dt.date(1990, 1, 1)
    assert normalise("hetu", make_hetu(birth, "-", 899)).is_temporary is False
    assert normalise("hetu", make_hetu(birth, "-", 900)).is_temporary is True
    assert normalise("hetu", make_hetu(birth, "-", 999)).is_temporary is True


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("010594y9032", "010594Y9032"),
        ("  010594Y9032  ", "010594Y9032"),
        ("010594 Y 9032", "010594Y9032"),
        ("010516b903x", "010516B903X"),
    ],
)
def test_hetu_normalisation(raw, expected):
    assert normalise("hetu", raw).value == expected


@pytest.mark.parametrize(
    ("raw", "reason_word"),
    [
        ("010594Y9033", "check"),  # wrong check character
        ("010516B9031", "check"),
        ("320194Y9032", "date"),  # 32nd of January
        ("290223A903X", "date"),  # 29 February 2023 did not exist
        ("010594Z9032", "form"),  # unknown century sign
        ("010594Y903", "form"),  # too short
        ("010594Y90322", "form"),  # too long
    ],
)
def test_invalid_hetu(raw, reason_word):
    with translation.override("en"), pytest.raises(InvalidIdentifier) as excinfo:
        normalise("hetu", raw)
    assert excinfo.value.reason
    assert reason_word in excinfo.value.reason.lower()
    assert str(excinfo.value) == excinfo.value.reason


def test_invalid_reasons_differ_by_cause():
    reasons = set()
    for raw in ("010594Y9033", "320194Y9032", "010594Z9032"):
        with translation.override("en"), pytest.raises(InvalidIdentifier) as excinfo:
            normalise("hetu", raw)
        reasons.add(excinfo.value.reason)
    assert len(reasons) == 3


@pytest.mark.parametrize("raw", ["", "   ", None])
def test_empty_identifier(raw):
    with pytest.raises(InvalidIdentifier):
        normalise("hetu", raw)


def test_unknown_kind():
    with pytest.raises(InvalidIdentifier):
        normalise("passport", "AB1234567")


# --- Migri customer number and UNHCR number -----------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("123", "123"), ("12345678", "12345678"), (" 1234 5678 ", "12345678"), ("1" * 12, "1" * 12)],
)
def test_valid_migri_customer_number(raw, expected):
    result = normalise(IdentifierKind.MIGRI_CUSTOMER, raw)
    assert result.value == expected
    assert result.kind == IdentifierKind.MIGRI_CUSTOMER
    assert result.is_temporary is False


@pytest.mark.parametrize("raw", ["12", "1" * 13, "12A456", "123-456"])
def test_invalid_migri_customer_number(raw):
    with pytest.raises(InvalidIdentifier) as excinfo:
        normalise(IdentifierKind.MIGRI_CUSTOMER, raw)
    assert excinfo.value.reason


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("147-12345678", "147-12345678"),
        ("147-00012345C", "147-00012345C"),
        ("147-00012345c", "147-00012345C"),
        (" 147-12345678 ", "147-12345678"),
    ],
)
def test_valid_unhcr_number(raw, expected):
    result = normalise(IdentifierKind.UNHCR, raw)
    assert result.value == expected
    assert result.kind == IdentifierKind.UNHCR


@pytest.mark.parametrize("raw", ["14712345678", "147-1", "ABC-12345678", "147-12345678901234"])
def test_invalid_unhcr_number(raw):
    with pytest.raises(InvalidIdentifier) as excinfo:
        normalise(IdentifierKind.UNHCR, raw)
    assert excinfo.value.reason


# Found by this suite: `\d` accepted every Unicode decimal digit and stored it verbatim, so the
# same number had two hashes. Fixed in 774fb4a (digits mapped to ASCII first); kept as regression.
@pytest.mark.parametrize(
    ("kind", "raw", "ascii_form"),
    [
        (IdentifierKind.MIGRI_CUSTOMER, "\u0661\u0662\u0663\u0664\u0665", "12345"),  # Arabic-Indic
        (IdentifierKind.MIGRI_CUSTOMER, "\uff11\uff12\uff13\uff14", "1234"),  # fullwidth
        (IdentifierKind.UNHCR, "\u0661\u0664\u0667-12345678", "147-12345678"),
        (
            IdentifierKind.HETU,
            "\u0660\u0661\u0660\u0665\u0669\u0664Y\u0669\u0660\u0663\u0662",
            "010594Y9032",
        ),
    ],
)
def test_non_ascii_digits_are_mapped_to_ascii(kind, raw, ascii_form):
    result = normalise(kind, raw)
    assert result.value == ascii_form
    assert result.value.isascii()


@pytest.mark.django_db
def test_same_customer_number_in_other_digits_is_a_duplicate(helsinki_worker, make_person):
    from django.core.exceptions import ValidationError

    make_person(helsinki_worker, identifiers=[("migri", "12345")])
    with pytest.raises(ValidationError):
        make_person(helsinki_worker, identifiers=[("migri", "\u0661\u0662\u0663\u0664\u0665")])


# --- encryption at rest and lookup by keyed hash ------------------------------------------------


def _raw_identifier_rows() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM people_personidentifier")
        return cursor.fetchall()


@pytest.mark.django_db
def test_identifier_is_encrypted_at_rest_and_found_by_exact_code(helsinki_worker, make_person):
    code = "010594Y9032"
    person = make_person(
        helsinki_worker, date_of_birth=dt.date(1994, 5, 1), identifiers=[("hetu", code)]
    )

    with connection.cursor() as cursor:
        cursor.execute("SELECT value_encrypted, lookup_hash FROM people_personidentifier")
        rows = cursor.fetchall()
    assert len(rows) == 1
    value_encrypted, lookup_hash = rows[0]
    assert value_encrypted and lookup_hash
    for column in (value_encrypted, lookup_hash):
        assert code not in column
        assert code.lower() not in column.lower()
        assert "010594" not in column  # not even the date part
    # Nowhere in the whole row either.
    for row in _raw_identifier_rows():
        assert not any(code in str(value) for value in row)

    # The model decrypts it back.
    assert PersonIdentifier.objects.get(person=person).value == code

    found = selectors.person_list(actor=helsinki_worker, search=code)
    assert [p.pk for p in found.persons] == [person.pk]
    assert found.total == 1
    # The search term is normalised the same way.
    assert [
        p.pk for p in selectors.person_list(actor=helsinki_worker, search=" 010594y9032").persons
    ] == [person.pk]
    # ... also when typed with Arabic-Indic digits.
    arabic = "\u0660\u0661\u0660\u0665\u0669\u0664Y\u0669\u0660\u0663\u0662"
    assert [p.pk for p in selectors.person_list(actor=helsinki_worker, search=arabic).persons] == [
        person.pk
    ]
    # Another valid code does not match.
    other = selectors.person_list(actor=helsinki_worker, search="010516B903X")
    assert other.persons == []
    assert other.total == 0


@pytest.mark.django_db
def test_encrypted_values_differ_for_the_same_code_but_hash_is_stable(helsinki_worker, make_person):
    """The ciphertext is randomised (Fernet) while the lookup hash is deterministic."""
    code = make_hetu(dt.date(1985, 2, 3), "-", 931)
    person = make_person(
        helsinki_worker, date_of_birth=dt.date(1985, 2, 3), identifiers=[("hetu", code)]
    )
    stored = PersonIdentifier.objects.get(person=person)
    assert stored.lookup_hash == PersonIdentifier.hash_for("hetu", code)
    assert stored.lookup_hash != PersonIdentifier.hash_for(
        "hetu", make_hetu(dt.date(1985, 2, 3), "-", 932)
    )
    assert stored.lookup_hash != PersonIdentifier.hash_for("migri", code)
    from kotopaikka.core import crypto

    assert crypto.encrypt(code) != stored.value_encrypted
    assert crypto.decrypt(stored.value_encrypted) == code


@pytest.mark.django_db
def test_identifier_search_respects_scope(helsinki_worker, espoo_worker, make_person):
    code = make_hetu(dt.date(1991, 8, 9), "-", 977)
    make_person(helsinki_worker, date_of_birth=dt.date(1991, 8, 9), identifiers=[("hetu", code)])
    assert selectors.person_list(actor=espoo_worker, search=code).total == 0
    assert selectors.person_list(actor=helsinki_worker, search=code).total == 1
