"""The compromised-credentials policy document: Cognito's shape plus a minimum count, and what it blocks."""

from __future__ import annotations

import pytest

from chalicelib.breach.policy import (
    BLOCK,
    DEFAULT,
    NO_ACTION,
    PASSWORD_CHANGE,
    SIGN_IN,
    SIGN_UP,
    CompromisedCredentialsPolicy,
    PolicyError,
)


def test_the_default_blocks_every_event_from_one_sighting():
    assert DEFAULT.to_config() == {"EventFilter": [SIGN_IN, PASSWORD_CHANGE, SIGN_UP],
                                   "Actions": {"EventAction": BLOCK}, "MinimumBreachCount": 1}
    assert all(DEFAULT.blocks(event, 1) for event in (SIGN_IN, PASSWORD_CHANGE, SIGN_UP))
    assert not DEFAULT.blocks(SIGN_UP, 0)


def test_the_event_filter_defaults_to_every_event_as_in_cognito():
    policy = CompromisedCredentialsPolicy.from_config({"Actions": {"EventAction": BLOCK}})
    assert policy.events == {SIGN_IN, PASSWORD_CHANGE, SIGN_UP}


def test_only_filtered_events_at_or_above_the_minimum_count_are_blocked():
    policy = CompromisedCredentialsPolicy.from_config({"EventFilter": [SIGN_UP], "Actions": {"EventAction": BLOCK},
                                                       "MinimumBreachCount": 10})
    assert policy.blocks(SIGN_UP, 10)
    assert not policy.blocks(SIGN_UP, 9)
    assert not policy.blocks(SIGN_IN, 10**6)


def test_no_action_never_blocks_and_needs_no_check():
    policy = CompromisedCredentialsPolicy.from_config({"Actions": {"EventAction": NO_ACTION}})
    assert not policy.watches(SIGN_UP)
    assert not policy.blocks(SIGN_UP, 10**6)


def test_round_trip():
    config = {"EventFilter": [SIGN_IN], "Actions": {"EventAction": NO_ACTION}, "MinimumBreachCount": 3}
    assert CompromisedCredentialsPolicy.from_config(config).to_config() == config


@pytest.mark.parametrize(("config", "message"), [
    ([], "the policy must be an object"),
    ({"Actions": {"EventAction": BLOCK}, "Extra": 1}, "unknown member(s): Extra"),
    ({"EventFilter": ["SIGN_OUT"], "Actions": {"EventAction": BLOCK}},
     "EventFilter must be a list of SIGN_IN, PASSWORD_CHANGE, SIGN_UP"),
    ({"EventFilter": "SIGN_IN", "Actions": {"EventAction": BLOCK}},
     "EventFilter must be a list of SIGN_IN, PASSWORD_CHANGE, SIGN_UP"),
    ({}, 'Actions must be {"EventAction": "BLOCK" | "NO_ACTION"}'),
    ({"Actions": {"EventAction": "MFA_REQUIRED"}}, 'Actions must be {"EventAction": "BLOCK" | "NO_ACTION"}'),
    ({"Actions": {"EventAction": BLOCK}, "MinimumBreachCount": 0}, "MinimumBreachCount must be an integer"),
    ({"Actions": {"EventAction": BLOCK}, "MinimumBreachCount": "5"}, "MinimumBreachCount must be an integer"),
    ({"Actions": {"EventAction": BLOCK}, "MinimumBreachCount": True}, "MinimumBreachCount must be an integer"),
])
def test_malformed_policies_are_refused_with_the_reason(config, message):
    with pytest.raises(PolicyError) as exc:
        CompromisedCredentialsPolicy.from_config(config)
    assert str(exc.value).startswith(message)
