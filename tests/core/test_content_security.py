"""samspil.content_security: the kept Content-Security-Policy header is the header
django-csp's own middleware writes, for every kind of response, and follows the settings."""

from __future__ import annotations

import pytest
from csp.decorators import csp_exempt, csp_update
from csp.exceptions import CSPNonceError
from csp.middleware import CSPMiddleware
from django.http import HttpResponse, HttpResponseNotFound
from django.test import RequestFactory, override_settings

from samspil.content_security import KeptPolicyCSPMiddleware

HEADERS = ("Content-Security-Policy", "Content-Security-Policy-Report-Only")


def plain(request):
    return HttpResponse("page")


def missing(request):
    return HttpResponseNotFound("no")


@csp_update({"img-src": "https://maps.example"})
def updated(request):
    return HttpResponse("map")


@csp_exempt()
def exempt(request):
    return HttpResponse("free")


def uses_nonce(request):
    return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")


def headers(middleware_class, view, path="/side/"):
    request = RequestFactory().get(path)
    response = middleware_class(view)(request)
    return {name: response.get(name) for name in HEADERS}


REPORT_ONLY = {"DIRECTIVES": {"default-src": ["'self'"], "report-uri": "/csp-rapport/"}}
EXCLUDED = {"EXCLUDE_URL_PREFIXES": ["/fri/"], "DIRECTIVES": {"default-src": ["'none'"]}}


@pytest.mark.parametrize("view", [plain, missing, updated, exempt, uses_nonce])
@pytest.mark.parametrize(
    "policies",
    [{}, {"CONTENT_SECURITY_POLICY_REPORT_ONLY": REPORT_ONLY}, {"CONTENT_SECURITY_POLICY": EXCLUDED}],
    ids=["samspil", "report-only too", "excluded prefix"],
)
@pytest.mark.parametrize("path", ["/side/", "/fri/side/"])
def test_the_header_is_django_csps_own(view, policies, path):
    with override_settings(**policies):
        kept = headers(KeptPolicyCSPMiddleware, view, path)
        assert kept == headers(CSPMiddleware, view, path)
        # Asked again, from the kept policy: the same.
        assert headers(KeptPolicyCSPMiddleware, view, path) == kept


def test_samspils_policy_is_sent_and_follows_a_changed_setting():
    assert "frame-ancestors 'none'" in headers(KeptPolicyCSPMiddleware, plain)["Content-Security-Policy"]
    with override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": {"default-src": ["'none'"]}}):
        assert headers(KeptPolicyCSPMiddleware, plain)["Content-Security-Policy"] == "default-src 'none'"
    assert "frame-ancestors 'none'" in headers(KeptPolicyCSPMiddleware, plain)["Content-Security-Policy"]


def test_a_nonce_asked_for_after_the_header_is_an_error():
    request = RequestFactory().get("/side/")
    KeptPolicyCSPMiddleware(plain)(request)
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)


@pytest.mark.django_db
def test_a_page_of_the_portal_carries_the_policy(client):
    response = client.get("/konto/login/")
    assert response["Content-Security-Policy"] == headers(CSPMiddleware, plain)["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
