"""The generator on a throwaway project: which modules a function reaches, which AWS calls they name, and
how tables, calls and pool ids become each function's environment, role and pool policy."""

from __future__ import annotations

import base64
import textwrap
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from chalice import Blueprint, Chalice
from pynamodb.attributes import UnicodeAttribute
from pynamodb.models import Model

from chalicelib.models.base import EnvTableName
from infra.build_template import build
from infra.discover import DiscoveryError, Function, app_functions, aws_calls, import_closure
from infra.iam import DYNAMODB_ACTIONS, METADATA_KEY, role_resource
from infra.settings import SECRETS

SOURCES = {
    "chalicelib/__init__.py": "",
    "chalicelib/models/__init__.py": "",
    "chalicelib/models/widgets.py": "WIDGET = 1\n",
    "chalicelib/triggers/__init__.py": "from chalicelib.triggers import custom_message, pre_sign_up\n",
    "chalicelib/triggers/pre_sign_up.py": """
        from chalicelib.models.widgets import WIDGET
        from chalicelib.services import mailer
    """,
    "chalicelib/triggers/custom_message.py": "import chalicelib.settings\n",
    "chalicelib/settings.py": "import os\n",
    "chalicelib/services/__init__.py": "",
    "chalicelib/services/mailer.py": """
        def send(ses, sns, idp):
            ses.send_email(Destination={})
            sns.publish(PhoneNumber="+15555550100", Message="hi")
            getattr(idp, "admin_get_user")(Username="x")
            idp.sign_up(Username="x")      # public: authorised by the app client, not IAM
            idp.initiate_auth(AuthFlow="USER_PASSWORD_AUTH")
    """,
    "chalicelib/api/__init__.py": "",
    "chalicelib/api/routes.py": "from . import helpers\n",
    "chalicelib/api/helpers.py": "def add(idp):\n    idp.admin_add_user_to_group(GroupName='g')\n",
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for relative, text in SOURCES.items():
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return tmp_path


def _handler(module: str, name: str) -> Any:
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return event

    handler.__module__, handler.__name__ = module, name
    return handler


def fake_app(with_api: bool = True) -> tuple[Chalice, dict[str, Any]]:
    app = Chalice(app_name="fake")
    for name in ("pre_sign_up", "custom_message"):
        bp = Blueprint(f"chalicelib.triggers.{name}")
        bp.lambda_function(name=name)(_handler(f"chalicelib.triggers.{name}", name))
        app.register_blueprint(bp)
    if with_api:
        app.route("/auth/sign-in", methods=["POST"])(_handler("chalicelib.api.routes", "sign_in"))
    triggers = {"PreSignUp": SimpleNamespace(__name__="chalicelib.triggers.pre_sign_up"),
                "CustomMessage": SimpleNamespace(__name__="chalicelib.triggers.custom_message")}
    return app, triggers


class Widget(Model):
    class Meta:
        table_name = EnvTableName("WIDGETS_TABLE")

    widget_id = UnicodeAttribute(hash_key=True)


Widget.__module__ = "chalicelib.models.widgets"


def test_import_closure_follows_explicit_imports_only(project: Path) -> None:
    assert import_closure(["chalicelib.triggers.pre_sign_up"], project) == {
        "chalicelib.triggers.pre_sign_up", "chalicelib.models.widgets", "chalicelib.services.mailer"}
    # triggers/__init__.py imports every trigger, yet one trigger does not reach the others.
    assert "chalicelib.triggers.pre_sign_up" not in import_closure(["chalicelib.triggers.custom_message"], project)
    assert import_closure(["chalicelib.api.routes"], project) == {"chalicelib.api.routes", "chalicelib.api.helpers"}


def test_aws_calls_are_the_iam_authorised_operations_named_in_code(project: Path) -> None:
    assert aws_calls(["chalicelib.services.mailer"], project) == {
        "ses:SendEmail", "sns:Publish", "cognito-idp:AdminGetUser"}
    assert aws_calls(["chalicelib.triggers.custom_message", "chalicelib.settings"], project) == set()


def test_functions_are_found_with_their_triggers_and_logical_ids(project: Path) -> None:
    app, triggers = fake_app()
    found = {f.resource: (f.name, f.trigger, f.handler_modules) for f in app_functions(app, triggers, project)}
    assert found == {
        "APIHandler": ("api_handler", None, ("chalicelib.api.routes",)),
        "PreSignUp": ("pre_sign_up", "PreSignUp", ("chalicelib.triggers.pre_sign_up",)),
        "CustomMessage": ("custom_message", "CustomMessage", ("chalicelib.triggers.custom_message",)),
    }


def test_a_trigger_module_without_a_function_is_refused(project: Path) -> None:
    app, triggers = fake_app()
    triggers["PostConfirmation"] = SimpleNamespace(__name__="chalicelib.triggers.post_confirmation")
    with pytest.raises(DiscoveryError, match="PostConfirmation"):
        app_functions(app, triggers, project)


@pytest.fixture
def merge(project: Path) -> dict[str, Any]:
    app, triggers = fake_app()
    return build(app, triggers, stage="dev", stages=["dev", "prod"], api_gateway_stage="api", models=[Widget],
                 root=project)


def _statements(role: dict[str, Any]) -> list[Any]:
    return role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]


def test_a_function_that_imports_a_model_gets_its_table(merge: dict[str, Any]) -> None:
    resources = merge["Resources"]
    assert resources["WidgetsTable"]["Type"] == "AWS::DynamoDB::Table"
    variables = resources["PreSignUp"]["Properties"]["Environment"]["Variables"]
    assert variables == {"WIDGETS_TABLE": {"Ref": "WidgetsTable"}}
    tables = [s for s in _statements(resources["PreSignUpRole"]) if s.get("Sid") == "ModelTables"]
    assert tables == [{"Sid": "ModelTables", "Effect": "Allow", "Action": sorted(DYNAMODB_ACTIONS),
                       "Resource": [{"Fn::GetAtt": ["WidgetsTable", "Arn"]},
                                    {"Fn::Sub": "${WidgetsTable.Arn}/index/*"}]}]
    assert resources["CustomMessage"]["Properties"]["Environment"]["Variables"] == {}
    assert [s["Sid"] for s in _statements(resources["CustomMessageRole"])] == ["OwnLogGroup"]


def test_messaging_calls_get_the_ses_identity_and_a_justified_sns_wildcard(merge: dict[str, Any]) -> None:
    role = merge["Resources"]["PreSignUpRole"]
    statements = _statements(role)
    assert {"Fn::If": ["HasSesIdentity", {"Sid": "SendEmail", "Effect": "Allow", "Action": ["ses:SendEmail"],
                                          "Resource": {"Ref": "SesSourceArn"}}, {"Ref": "AWS::NoValue"}]} in statements
    assert {"Sid": "SendSms", "Effect": "Allow", "Action": ["sns:Publish"], "Resource": "*"} in statements
    assert "phone number" in role["Metadata"][METADATA_KEY]["sns:Publish"]


def test_pool_actions_go_in_a_separate_policy_on_this_pool(merge: dict[str, Any]) -> None:
    resources = merge["Resources"]
    assert resources["PreSignUpPoolPolicy"]["Properties"] == {
        "PolicyName": "user-pool",
        "Roles": [{"Ref": "PreSignUpRole"}],
        "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
            "Sid": "ThisUserPool", "Effect": "Allow", "Action": ["cognito-idp:AdminGetUser"],
            "Resource": {"Fn::GetAtt": ["UserPool", "Arn"]}}]},
    }
    assert resources["APIHandlerPoolPolicy"]["Properties"]["PolicyDocument"]["Statement"][0]["Action"] == [
        "cognito-idp:AdminAddUserToGroup"]
    assert "CustomMessagePoolPolicy" not in resources
    for name in ("PreSignUpRole", "APIHandlerRole"):
        assert "UserPool" not in str(resources[name]), name


def test_only_functions_cognito_does_not_invoke_get_the_pool_ids(merge: dict[str, Any]) -> None:
    variables = merge["Resources"]["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert variables == {"USER_POOL_ID": {"Ref": "UserPool"}, "USER_POOL_CLIENT_ID": {"Ref": "ApiClient"},
                         "IDENTITY_POOL_ID": {"Ref": "IdentityPool"},
                         "USER_POOL_CLIENT_SECRET": {"Fn::GetAtt": ["ApiClient", "ClientSecret"]}}
    assert merge["Outputs"]["ApiUrl"]["Value"] == {
        "Fn::Sub": "https://${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}/api/"}


def test_an_existing_pool_stack_still_sends_from_its_ses_identity(project: Path) -> None:
    app, triggers = fake_app()
    merge = build(app, triggers, stage="dev", stages=["dev"], api_gateway_stage="api",
                  user_pool_id="us-east-1_Ab12Cd34E", root=project)
    assert merge["Parameters"]["SesSourceArn"]["Default"] == ""
    assert merge["Conditions"]["HasSesIdentity"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "SesSourceArn"}, ""]}]}
    assert {"Fn::If": ["HasSesIdentity", {"Sid": "SendEmail", "Effect": "Allow", "Action": ["ses:SendEmail"],
                                          "Resource": {"Ref": "SesSourceArn"}}, {"Ref": "AWS::NoValue"}]} \
        in _statements(merge["Resources"]["PreSignUpRole"])


def test_without_an_ses_identity_a_function_sending_email_is_refused() -> None:
    function = Function("mailer", "Mailer", ("chalicelib.mailer",))
    with pytest.raises(ValueError, match="SES"):
        role_resource(function, [], {"ses:SendEmail"}, None)


def test_settings_reach_only_the_functions_whose_code_names_them(project: Path) -> None:
    (project / "chalicelib" / "settings.py").write_text(
        'import os\nKEY = os.environ.get("CHALLENGE_SIGNING_KEY")\nURL = os.environ.get("MAGIC_LINK_URL")\n')
    app, triggers = fake_app()
    merge = build(app, triggers, stage="dev", stages=["dev"], api_gateway_stage="api", root=project)
    resources = merge["Resources"]
    variables = resources["CustomMessage"]["Properties"]["Environment"]["Variables"]
    # A secret is a dynamic reference to a generated secret, resolved at deploy time: never a literal.
    assert variables["CHALLENGE_SIGNING_KEY"] == {
        "Fn::Sub": "{{resolve:secretsmanager:${ChallengeSigningKey}:SecretString}}="}
    assert variables["MAGIC_LINK_URL"] == {"Fn::If": [
        "HasPublicApiUrl", {"Fn::Sub": "${PublicApiUrl}/auth/passwordless/magic-link"}, {"Ref": "AWS::NoValue"}]}
    secret = resources["ChallengeSigningKey"]
    assert secret["Type"] == "AWS::SecretsManager::Secret"
    assert secret["Properties"]["GenerateSecretString"] == {"PasswordLength": 43, "ExcludePunctuation": True,
                                                            "IncludeSpace": False}
    assert "SecretString" not in secret["Properties"]
    assert "CHALLENGE_SIGNING_KEY" not in resources["PreSignUp"]["Properties"]["Environment"]["Variables"]
    # Only the settings some function reads become parameters (cfn-lint warns on an unused one).
    assert "PublicApiUrl" in merge["Parameters"] and "WebAuthnRpId" not in merge["Parameters"]
    assert "AuthenticatorKey" not in resources


def test_a_generated_key_with_its_padding_is_base64_of_32_bytes() -> None:
    generated = "A1b2" * 10 + "xYz"  # what GenerateSecretString makes: 43 alphanumerics
    assert len(generated) == SECRETS["CHALLENGE_SIGNING_KEY"].length
    assert len(base64.b64decode(generated + SECRETS["CHALLENGE_SIGNING_KEY"].suffix, validate=True)) == 32
    assert len(base64.b64decode(generated + SECRETS["AUTHENTICATOR_KEY"].suffix, validate=True)) == 32
