"""chalicelib.signup.invites: codes as generated, typed, hashed and named."""

from __future__ import annotations

import re

import pytest

from chalicelib.signup import invites


def test_generated_codes_are_four_groups_of_crockford_base32():
    code = invites.generate()
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){3}", code)
    assert invites.normalize(code) == code.replace("-", "")


def test_generated_codes_differ():
    assert len({invites.generate() for _ in range(200)}) == 200


@pytest.mark.parametrize("typed", ["7kq2m-x9d4t-abcde-fghjk", " 7KQ2M X9D4T ABCDE FGHJK ", "7KQ2MX9D4TABCDEFGHJK"])
def test_case_spaces_and_dashes_do_not_matter(typed):
    assert invites.normalize(typed) == "7KQ2MX9D4TABCDEFGHJK"


def test_look_alike_letters_read_as_digits():
    assert invites.normalize("OOOOO-IIIII-LLLLL-00000") == "00000111111111100000"


@pytest.mark.parametrize("typed", ["", "7KQ2M", "7KQ2MX9D4TABCDEFGHJKZ", "UUUUU-UUUUU-UUUUU-UUUUU", "7" * 65, None,
                                   42, "7KQ2M_X9D4T_ABCDE_FGHJK"])
def test_what_cannot_be_a_code_normalises_to_none(typed):
    assert invites.normalize(typed) is None


def test_the_hash_is_the_table_key_and_its_prefix_the_public_id():
    hashed = invites.code_hash("7KQ2MX9D4TABCDEFGHJK")
    assert invites.is_code_hash(hashed)
    assert "7KQ2M" not in hashed
    assert invites.public_id(hashed) == hashed[:16]
    assert invites.is_public_id(invites.public_id(hashed))
    assert invites.code_hash("7KQ2MX9D4TABCDEFGHJK") != invites.code_hash("7KQ2MX9D4TABCDEFGHJ0")


@pytest.mark.parametrize("value", ["ABCDEF0123456789", "abc", "g" * 16, None, 1234567890123456])
def test_public_ids_are_sixteen_lower_case_hex_characters(value):
    assert invites.is_public_id(value) is False
