"""Request-wide security: logging out idle sessions, and a Content-Security-Policy on every response."""

from __future__ import annotations

import base64
import hashlib
import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url

LAST_SEEN = "dispo_last_seen"
# The session is written at most this often just to note activity: a write per request would cost a database
# write per page under load, for a timeout counted in minutes.
LAST_SEEN_RESOLUTION = 60

# htmx (2.x) adds this <style> element for its request indicators. Allowing exactly its hash keeps inline styles
# otherwise forbidden; if an upgrade of htmx changes the text, the browser test of the policy reports it.
HTMX_INDICATOR_STYLE = (
    ".htmx-indicator{opacity:0;visibility: hidden} .htmx-request .htmx-indicator, "
    ".htmx-request.htmx-indicator{opacity:1;visibility: visible;transition: opacity 200ms ease-in}"
)


def _sha256_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


DEFAULT_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        f"style-src 'self' {_sha256_source(HTMX_INDICATOR_STYLE)}",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def content_security_policy() -> str:
    """The policy sent with every response: setting DISPO_CONTENT_SECURITY_POLICY, or everything from this
    site only, no inline scripts, no plug-ins, no framing."""
    return str(getattr(settings, "DISPO_CONTENT_SECURITY_POLICY", DEFAULT_POLICY))


class ContentSecurityPolicyMiddleware:
    """Sets Content-Security-Policy (Django 5.2 has none built in), unless a view has set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", content_security_policy())
        return response


class IdleTimeoutMiddleware:
    """Logs a user out after DISPO_IDLE_SECONDS (default 1,800: 30 minutes) without a request.

    The session's own lifetime (SESSION_COOKIE_AGE) bounds a working day; this bounds an unattended screen.
    Goes after the session and authentication middleware. An htmx request gets an HX-Redirect to the login page
    rather than a login form swapped into part of the page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            last_seen = request.session.get(LAST_SEEN)
            if last_seen is not None and now - float(last_seen) > idle_seconds():
                logout(request)
                return _to_login(request)
            if last_seen is None or now - float(last_seen) >= LAST_SEEN_RESOLUTION:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


def idle_seconds() -> int:
    return int(getattr(settings, "DISPO_IDLE_SECONDS", 1800))


def _to_login(request: HttpRequest) -> HttpResponse:
    url = resolve_url(settings.LOGIN_URL) + "?" + urlencode({"next": request.get_full_path(), "inaktiv": "1"})
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)
