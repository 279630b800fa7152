"""chalicelib.messages.render: every message type in every locale keeps Cognito's placeholders and limits; the
locale follows the user's attribute; HTML escapes what users typed."""

from __future__ import annotations

import itertools
import re

import pytest

from chalicelib.messages.render import (
    MESSAGE_TYPES,
    TEMPLATES,
    Placeholders,
    TemplateContractError,
    available_locales,
    check_contract,
    choose_locale,
    render,
)

CODE, USERNAME = "{####}", "{username}"
LOCALES = sorted(available_locales())
KINDS = sorted(MESSAGE_TYPES.values())


def placeholders(kind: str) -> Placeholders:
    return Placeholders(CODE, USERNAME if kind == "invitation" else None)


def test_every_locale_has_every_message_type_in_html_and_text():
    assert set(LOCALES) == {"en", "fr", "de", "es"}
    for locale, kind in itertools.product(LOCALES, KINDS):
        assert (TEMPLATES / locale / f"{kind}.html").is_file(), (locale, kind)
        assert (TEMPLATES / locale / f"{kind}.txt").is_file(), (locale, kind)


def test_every_cognito_custom_message_source_has_a_template():
    assert set(MESSAGE_TYPES) == {"CustomMessage_SignUp", "CustomMessage_AdminCreateUser", "CustomMessage_ResendCode",
                                  "CustomMessage_ForgotPassword", "CustomMessage_UpdateUserAttribute",
                                  "CustomMessage_VerifyUserAttribute", "CustomMessage_Authentication"}


@pytest.mark.parametrize(("locale", "kind"), list(itertools.product(LOCALES, KINDS)))
def test_each_message_keeps_cognitos_placeholders_and_limits(locale, kind):
    rendered = render(kind, locale, placeholders(kind), app_name="cogworks")
    for body in (rendered.html, rendered.text):
        assert body.count(CODE) == 1
        if kind == "invitation":
            assert body.count(USERNAME) == 1
    assert 0 < len(rendered.subject) <= 140 and "\n" not in rendered.subject
    assert "cogworks" in rendered.subject
    assert len(rendered.text) <= 140, rendered.text
    assert len(rendered.html) <= 20_000
    assert rendered.html.startswith("<!DOCTYPE html>")
    assert f'<html lang="{locale}">' in rendered.html
    assert "{{" not in rendered.html + rendered.text + rendered.subject


def test_messages_differ_by_locale():
    subjects = {locale: render("sign_up", locale, placeholders("sign_up"), app_name="cogworks").subject
                for locale in LOCALES}
    assert subjects == {"en": "Confirm your cogworks account", "fr": "Confirmez votre compte cogworks",
                        "de": "Bestätigen Sie Ihr cogworks-Konto", "es": "Confirma tu cuenta de cogworks"}


def test_each_message_type_has_its_own_wording():
    texts = {kind: render(kind, "en", placeholders(kind), app_name="cogworks").subject for kind in KINDS}
    assert len(set(texts.values())) == len(KINDS)


def test_html_escapes_the_users_name_and_text_does_not_carry_it():
    rendered = render("sign_up", "en", placeholders("sign_up"), app_name="cogworks",
                      attributes={"name": '<script>alert("x")</script>'})
    assert "<script>" not in rendered.html
    assert "Hi &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;," in rendered.html
    assert "script" not in rendered.text


def test_the_greeting_prefers_the_given_name_and_is_left_out_without_a_name():
    given = render("authentication", "fr", placeholders("authentication"), app_name="a",
                   attributes={"given_name": "Ada", "name": "Ada Lovelace"})
    assert "Bonjour Ada," in given.html
    nameless = render("authentication", "fr", placeholders("authentication"), app_name="a")
    assert "Bonjour" not in nameless.html


def test_the_app_name_is_escaped_in_html():
    rendered = render("sign_up", "en", placeholders("sign_up"), app_name="A&B")
    assert "A&amp;B" in rendered.html and "A&B" in rendered.subject


@pytest.mark.parametrize(("requested", "expected"), [
    ("fr", "fr"), ("FR", "fr"), ("fr-CA", "fr"), ("fr_ca", "fr"), ("de-CH-1996", "de"), ("es-419", "es"),
    ("en-GB", "en"), ("pt-BR", "en"), ("", "en"), (None, "en"), (42, "en"), ("../fr", "en"), ("fr/../../etc", "en"),
    ("f", "en"), ("français", "en"), ("x" * 100, "en"),
])
def test_the_locale_attribute_picks_the_template_with_english_as_fallback(requested, expected):
    assert choose_locale(requested) == expected


def test_an_unknown_locale_passed_to_render_falls_back_to_english():
    rendered = render("sign_up", "pt", placeholders("sign_up"), app_name="cogworks")
    assert rendered.subject == "Confirm your cogworks account"


def test_admin_create_user_without_a_username_placeholder_is_refused():
    with pytest.raises(TemplateContractError, match="no usernameParameter"):
        render("invitation", "en", Placeholders(CODE), app_name="cogworks")


def test_a_message_without_the_code_is_refused():
    rendered = render("sign_up", "en", placeholders("sign_up"), app_name="cogworks")
    broken = type(rendered)(subject=rendered.subject, html=rendered.html.replace(CODE, ""), text=rendered.text)
    with pytest.raises(TemplateContractError, match="html message lacks"):
        check_contract("sign_up", placeholders("sign_up"), broken)


def test_an_unknown_message_type_is_refused():
    with pytest.raises(TemplateContractError):
        render("../../secrets", "en", placeholders("sign_up"), app_name="cogworks")


def test_templates_neither_hardcode_a_code_nor_bypass_escaping():
    for path in TEMPLATES.rglob("*.*"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\d{6}", text), path
        assert "|safe" not in text, path
