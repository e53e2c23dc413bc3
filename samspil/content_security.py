"""The Content-Security-Policy header, written once per policy instead of once per response.

django-csp's middleware builds the header on every response: it turns its policy parts
into a dict (`dataclasses.asdict`, a deep copy), copies the setting's directives into a
full table of every known directive and joins them, twice (the policy and the report-only
policy), ≈ 80 µs of each request (issue 19). Samspil's policy is the same for every
response: no view changes it (django-csp's decorators set `_csp_config`, `_csp_update`,
`_csp_replace` and their report-only twins on a response) and it names no nonce. So the
header is built by django-csp's own `build_policy` once per setting and kept; a response
that a decorator changed, or a request whose nonce was used, goes through django-csp's
middleware unchanged.
"""

from __future__ import annotations

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed

# What django-csp's decorators set on a response to change its policy.
_PER_RESPONSE = ("_csp_config", "_csp_update", "_csp_replace", "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro")
_SETTING, _REPORT_ONLY_SETTING = "CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY"

_policies: dict[bool, str] = {}


def _forget(*, setting: str, **kwargs) -> None:
    if setting in (_SETTING, _REPORT_ONLY_SETTING):
        _policies.clear()


setting_changed.connect(_forget, dispatch_uid="samspil-content-security-policies")


def policy(report_only: bool = False) -> str:
    """The header for a response no decorator changed and without a nonce, as
    `build_policy` writes it from the settings ("" for no policy)."""
    text = _policies.get(report_only)
    if text is None:
        text = _policies[report_only] = build_policy(report_only=report_only)
    return text


class KeptPolicyCSPMiddleware(CSPMiddleware):
    """django-csp's middleware with the policy kept between responses (module docstring)."""

    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(
            getattr(response, name, None) is not None for name in _PER_RESPONSE
        ):
            return super().process_response(request, response)
        # The rest is the parent's answer for a response with the settings' policy: the debug
        # pages are left alone, a view's csp_exempt and the excluded prefixes are honoured.
        if response.status_code in (404, 500) and settings.DEBUG:
            return response
        for header, report_only, exempt in (
            (HEADER, False, "_csp_exempt"),
            (HEADER_REPORT_ONLY, True, "_csp_exempt_ro"),
        ):
            text = policy(report_only)
            if text and header not in response and not getattr(response, exempt, False):
                configured = getattr(settings, _REPORT_ONLY_SETTING if report_only else _SETTING, None) or {}
                if not request.path_info.startswith(tuple(configured.get("EXCLUDE_URL_PREFIXES", None) or ())):
                    response[header] = text
        # As the parent: a nonce asked for once the header is written is an error, not a
        # nonce the browser was never told of.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
