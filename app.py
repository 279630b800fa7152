"""cogworks: creates the Chalice app and registers the REST blueprints and the trigger functions (and, in
stage local only, the embedded local Cognito)."""

import os

from chalice import Chalice

from chalicelib.api import (
    admin_routes,
    auth_routes,
    authenticator_routes,
    credentials_routes,
    passwordless_routes,
    risk_routes,
    rolemap_routes,
)
from chalicelib.triggers.registry import TRIGGERS

app = Chalice(app_name="cogworks")

for routes in (auth_routes, passwordless_routes, authenticator_routes, credentials_routes, admin_routes,
               rolemap_routes, risk_routes):
    app.register_blueprint(routes.bp)

for trigger in TRIGGERS.values():
    app.register_blueprint(trigger.bp)

# The route table must be known when chalice imports this module, so the stage switch is read here;
# the emulator package is never packaged, and no other stage imports it.
if os.environ.get("COGWORKS_STAGE") == "local":
    import emulator

    emulator.attach(app)
