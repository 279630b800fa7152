"""The edge every RouteSpec route goes through: check the caller (the access token of a protected route, and
membership of ADMIN_GROUP for an admin one), validate the path, the query and the body, call the handler, and
turn any failure into the JSON error body. Handlers get a :class:`Call` and never touch chalice themselves."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from chalice import Blueprint, Response
from chalice.app import Request

from chalicelib.api import cookies
from chalicelib.api.authorizer import Principal, authorize
from chalicelib.api.cookies import CookieSettings
from chalicelib.api.errors import ForbiddenError, Translations, error_response
from chalicelib.api.http import parse_body, parse_params, stage_prefix, user_context
from chalicelib.api.openapi import RouteSpec
from chalicelib.services.cognito import CognitoConfig, UserContext

ADMIN_GROUP_ENV: Final = "ADMIN_GROUP"
DEFAULT_ADMIN_GROUP: Final = "admins"


@dataclass(frozen=True)
class Call:
    """What a handler gets: the validated body, path and query (the route's models), the caller, and how to answer."""

    request: Request
    body: Any
    principal: Principal | None
    cookie_mode: bool
    user_context: UserContext
    stage_prefix: str
    cookie_settings: CookieSettings
    path: Any = None
    query: Any = None

    @property
    def pool_id(self) -> str:
        """The user pool this API serves (USER_POOL_ID, read now: the stage's environment is set per call)."""
        return CognitoConfig.from_env().user_pool_id


def admin_group() -> str:
    return (os.environ.get(ADMIN_GROUP_ENV) or "").strip() or DEFAULT_ADMIN_GROUP


def caller(route: RouteSpec, request: Request) -> Principal | None:
    """The verified caller of a protected or admin route (None for a public one), or 401 / 403."""
    if not route.needs_token:
        return None
    config = CognitoConfig.from_env()
    principal = authorize(request.headers, issuer=config.issuer, client_id=config.client_id)
    if route.admin is not None:
        group = admin_group()
        groups = principal.claims.get("cognito:groups")
        if not isinstance(groups, list) or group not in groups:
            raise ForbiddenError(route.admin.message.format(group=group), code=route.admin.code)
    return principal


def route_view(route: RouteSpec, bp: Blueprint, name_prefix: str, translations: Translations | None = None) -> Any:
    def view(**path: str) -> Response:
        request = bp.current_request
        clearing = cookies.clearing_cookies(stage_prefix(request)) if route.clears_cookies else None
        try:
            settings = CookieSettings.from_env()
            principal = caller(route, request)
            call = Call(
                request=request, principal=principal,
                path=parse_params(path, route.path_params) if route.path_params else None,
                query=parse_params(request.query_params, route.query) if route.query else None,
                body=parse_body(request, route.body, route.max_body, forms=route.forms) if route.body else None,
                cookie_mode=route.cookie_mode and cookies.wants_cookies(request.headers, settings),
                user_context=user_context(request), stage_prefix=stage_prefix(request), cookie_settings=settings)
            return route.handler(call)
        except Exception as exc:  # the edge: every failure becomes the JSON error body
            return error_response(exc, set_cookies=clearing, translations=translations)

    view.__name__ = view.__qualname__ = f"{name_prefix}_{route.operation_id}"
    # The view belongs to its route's module: infra/discover.py finds what the API Lambda needs (tables,
    # settings, IAM calls) from the modules of the app's views.
    view.__module__ = route.handler.__module__
    return view


def add_routes(blueprint: Blueprint, routes: Sequence[RouteSpec], name_prefix: str,
               translations: Translations | None = None) -> Blueprint:
    """Register each route on ``blueprint``; ``translations`` say how the routes' domain errors are answered."""
    for route in routes:
        blueprint.route(route.path, methods=[route.method], content_types=["*/*"])(
            route_view(route, blueprint, name_prefix, translations))
    return blueprint
