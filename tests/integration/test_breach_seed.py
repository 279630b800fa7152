"""The local stack's breach store seeded from zxcvbn's bundled list: common passwords are caught with no
download, with estimated counts that fall with the rank; others are not; seeding twice changes nothing."""

from __future__ import annotations

from chalicelib.breach import seed
from chalicelib.breach.check import check
from emulator.breach_seed import seed_breach_store
from tests.integration.breach_support import seeded


def test_common_passwords_are_caught_with_counts_falling_with_rank(stack):
    seeded(stack)
    passwords = seed.common_passwords()
    first, last = check(passwords[0]), check(passwords[-1])
    assert (first.found, first.source, first.count) == (True, "store", seed.ESTIMATE_TOP)
    assert last.found and last.count == seed.ESTIMATE_TOP // len(passwords)
    assert check("password").count > check("dragon").count > 0


def test_an_uncommon_password_and_a_case_variant_are_not_in_the_seed(stack):
    seeded(stack)
    assert not check("Violet-Tractor-Umbrella-42").found
    assert not check("PASSWORD").found  # hashes are of the exact password, as Pwned Passwords' are


def test_seeding_again_is_a_no_op_unless_forced(stack):
    seeded(stack)
    assert seed_breach_store() == 0
    assert seed_breach_store(force=True) == len(seed.common_passwords())
    assert check("iloveyou").found
