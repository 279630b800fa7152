"""The edge every RouteSpec route goes through: check the caller, parse the body, call the handler, and turn
any failure into the JSON error body. Handlers get a :class:`Call` and never touch chalice themselves."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from chalice import Blueprint, Response
from chalice.app import Request

from chalicelib.api import cookies
from chalicelib.api.authorizer import Principal, authorize
from chalicelib.api.cookies import CookieSettings
from chalicelib.api.errors import error_response
from chalicelib.api.http import parse_body, stage_prefix, user_context
from chalicelib.api.openapi import RouteSpec
from chalicelib.services.cognito import CognitoConfig, UserContext


@dataclass(frozen=True)
class Call:
    """What a handler gets: the validated body, the caller, and how to answer."""

    request: Request
    body: Any
    principal: Principal | None
    cookie_mode: bool
    user_context: UserContext
    stage_prefix: str
    cookie_settings: CookieSettings


def route_view(route: RouteSpec, bp: Blueprint, name_prefix: str) -> Any:
    def view() -> Response:
        request = bp.current_request
        clearing = cookies.clearing_cookies(stage_prefix(request)) if route.clears_cookies else None
        try:
            settings = CookieSettings.from_env()
            principal = None
            if route.protected:
                config = CognitoConfig.from_env()
                principal = authorize(request.headers, issuer=config.issuer, client_id=config.client_id)
            body = parse_body(request, route.body) if route.body is not None else None
            call = Call(request=request, body=body, principal=principal,
                        cookie_mode=route.cookie_mode and cookies.wants_cookies(request.headers, settings),
                        user_context=user_context(request), stage_prefix=stage_prefix(request),
                        cookie_settings=settings)
            return route.handler(call)
        except Exception as exc:  # the edge: every failure becomes the JSON error body
            return error_response(exc, set_cookies=clearing)

    view.__name__ = view.__qualname__ = f"{name_prefix}_{route.operation_id}"
    return view


def add_routes(blueprint: Blueprint, routes: Sequence[RouteSpec], name_prefix: str) -> Blueprint:
    for route in routes:
        blueprint.route(route.path, methods=[route.method], content_types=["*/*"])(
            route_view(route, blueprint, name_prefix))
    return blueprint
