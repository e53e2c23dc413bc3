"""The accessibility sweep: axe-core (every WCAG 2.1 A and AA rule, every impact) in
Chromium over every main page of every role of the demo municipality, at 1280 wide.

The pages are not a hand-kept list that rots: for each role the sweep starts at the start
page, opens every entry of that role's menu, and from each of those follows the first link
to every other kind of page (one page per URL name), so a new page a role can reach is
swept without anyone remembering to add it. Fixed extras cover what no menu links to
(profile and security pages, forms showing their errors) and the visitor who is not
signed in. One browser, one context per role; every finding is named in one failure. The
same walk fails on anything the Content-Security-Policy refuses (an inline style, say).

The roles are swept in three groups, each its own test, so parallel test workers share the
sweep (one test took three minutes of a CI run's tail). The administrator's group sweeps the
pages that read the same for every role; the other groups skip them.
"""

from __future__ import annotations

import io
import time
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve

from tests.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ALL_IMPACTS = ("minor", "moderate", "serious", "critical")

# The demo account of each role (organisation/demo.py, README.md).
ROLES = {
    "administrator": "admin@samspil.example",
    "director": "direktor@samspil.example",
    "chair": "formand@samspil.example",
    "member": "medlem@samspil.example",
    "leader": "leder@samspil.example",
    "employee": "medarbejder@samspil.example",
    "centre_head": "centerchef@samspil.example",
}

# URL names that are not pages a person reads: files, feeds, and links that act.
NOT_PAGES = {
    "account_logout",
    "set_language",
    "healthz",
    "accounts:my_data_download",
    "agreements:pdf",
    "codex:register_csv",
    "cases:pdf",
    "cases:figures_export",
    "cases:print",  # the case page again, laid out for paper
    "coverage:export",
    "meetings:meeting_ics",
    "meetings:calendar_feed",
    "meetings:meeting_print",  # the meeting page again, laid out for paper
    "stories:atom",
    "stories:picture",
    "mfa_download_recovery_codes",
}

# Pages whose content does not depend on who reads them (the menu aside, which every
# other page checks for each role): swept once, by the administrator, to keep the sweep
# within its time.
SAME_FOR_EVERY_ROLE = {
    "accounts:privacy",
    "accounts:sessions",
    "notifications:settings",
    "account_email",
    "account_change_password",
    "account_reset_password",
    "account_reauthenticate",
    "mfa_index",
    "codex:public",
    "stories:public",
    "stories:public_detail",
}

# Pages no menu links to, per role (None: every signed-in role).
EXTRAS: dict[str | None, list[str]] = {
    # The committee's meeting plan with its cases' hearing states and the chair's warning.
    "chair": ["/moeder/udvalg/born-og-unge/"],
    None: [
        "/privatliv/",
        "/konto/notifikationer/",
        "/konto/mine-data/",
        "/konto/2fa/",
        "/konto/email/",
        "/konto/password/change/",
    ],
    "anonymous": [
        "/konto/login/",
        "/konto/password/reset/",
        "/privatliv/",
        "/gode-historier/offentlige/",
        "/kodeks/offentlig/",
        "/virksomheder/findes-ikke/",
    ],
}

# Forms sent empty (or wrong), so the page shows its error messages: (role, path).
FORMS_WITH_ERRORS = [
    ("anonymous", "/konto/login/"),
    ("anonymous", "/konto/password/reset/"),
    ("leader", "/gode-historier/ny/"),
    ("employee", "/gode-historier/udfordringer/ny/"),
    ("leader", "/virksomheder/egeskovskolen/rediger/"),
    ("chair", "/moeder/ny/"),
]


def _url_name(href: str, base: str) -> str | None:
    parts = urlsplit(href)
    if parts.scheme and not href.startswith(base):
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    return match.view_name


def _links(page) -> list[str]:
    return page.evaluate(
        "() => [...document.querySelectorAll('a[href]')].map(a => a.href)"
        ".filter(h => !h.includes('#') && !h.startsWith('mailto:') && !h.startsWith('tel:'))"
    )


def _session_cookie(live_server, user) -> dict:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }


def _sweep_role(page, role: str, start: list[str], findings: dict, swept: list, shared: set[str]) -> None:
    """Open the start paths, then one page per URL name linked from them."""
    base = page.base_url
    seen_names: set[str] = set(shared)
    queue = [(path, True) for path in start]
    visited: set[str] = set()
    while queue:
        path, follow = queue.pop(0)
        if path in visited or _url_name(base + path, base) in shared:
            continue
        visited.add(path)
        response = page.goto(base + path)
        assert response is not None
        name = _url_name(page.url, base) or path
        # A redirect (to the reauthentication page, say) is swept where it lands, once.
        landed = urlsplit(page.url).path
        if landed != path and landed in visited:
            continue
        visited.add(landed)
        seen_names.add(name)
        if name in SAME_FOR_EVERY_ROLE and role != "anonymous":
            shared.add(name)
        assert response.status < 500, f"{role} {path}: {response.status}"
        _check(page, f"{role} {landed}", findings, swept)
        if not follow:
            continue
        for href in _links(page):
            link_name = _url_name(href, base)
            link_path = urlsplit(href).path
            if not link_name or link_name in NOT_PAGES or link_name in seen_names:
                continue
            seen_names.add(link_name)
            queue.append((link_path, False))


def _check(page, label: str, findings: dict, swept: list) -> None:
    violations = axe_violations(page, impacts=ALL_IMPACTS)
    swept.append(label)
    if violations:
        findings[label] = violations


def _show_errors(page, path: str, findings: dict, swept: list, role: str) -> None:
    page.goto(page.base_url + path)
    form = page.locator("main form[method=post], main form[method=POST]").last
    for field in form.locator("input[type=text], input[type=email], input[type=password], textarea").all():
        if field.is_visible() and field.is_editable():
            field.fill("")
    if role == "anonymous" and "login" in path:
        page.fill("input[name=login]", "ikke-en-bruger@samspil.example")
        page.fill("input[name=password]", "forkert")
    form.locator("button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    _check(page, f"{role} {path} (sent with errors)", findings, swept)


# The roles of each test; the first group holds the administrator, who sweeps the pages
# that read the same for every role (SAME_FOR_EVERY_ROLE).
ROLE_GROUPS = {
    "visitor-and-administrator": ("anonymous", "administrator"),
    "director-and-chair": ("director", "chair"),
    "workplace-roles-and-member": ("member", "leader", "employee", "centre_head"),
}
assert sorted(role for group in ROLE_GROUPS.values() for role in group) == sorted(("anonymous", *ROLES))


@pytest.mark.parametrize("group", list(ROLE_GROUPS))
def test_axe_finds_no_violation_on_any_main_page_of_any_role(chromium, live_server, transactional_db, group):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth import get_user_model

    from organisation.roles import roles_of
    from portal import navigation
    from stories.models import Story

    began = time.monotonic()
    call_command("demo", stdout=io.StringIO())
    User = get_user_model()
    people = {role: User.objects.get(email=email) for role, email in ROLES.items()}
    # The administrator's pages need two-factor; enrolled, the sweep reaches them.
    TOTP.activate(people["administrator"], generate_totp_secret())
    public_story = Story.objects.filter(visibility="public", status="published").order_by("pk").first()
    public_story_paths = [f"/gode-historier/offentlige/{public_story.pk}/"] if public_story else []

    print(f"demo loaded in {time.monotonic() - began:.0f} s")
    findings: dict[str, list] = {}
    swept: list[str] = []
    roles = ROLE_GROUPS[group]
    sweeps_shared_pages = "administrator" in roles
    shared: set[str] = set() if sweeps_shared_pages else set(SAME_FOR_EVERY_ROLE)
    refused: list[str] = []
    for role in roles:
        context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="da-DK")
        page = context.new_page()
        page.set_default_timeout(15_000)
        dialogs: list[str] = []
        page.on("dialog", lambda dialog, seen=dialogs: (seen.append(dialog.message), dialog.dismiss()))
        # The browser reports what the Content-Security-Policy refused (an inline style or
        # script) on the console: on no page may it refuse anything (issue 16.8).
        page.on(
            "console",
            lambda message, seen=refused, who=role, at=page: (
                seen.append(f"{who} {at.url}: {message.text}") if "Content Security Policy" in message.text else None
            ),
        )
        page.base_url = live_server.url
        try:
            if role == "anonymous":
                start = [*EXTRAS["anonymous"], *public_story_paths]
            else:
                user = people[role]
                context.add_cookies([_session_cookie(live_server, user)])
                menu = [entry["url"] for entry in navigation.items_for(roles_of(user), "/")]
                start = ["/", *menu, *EXTRAS[None], *EXTRAS.get(role, [])]
                if sweeps_shared_pages:
                    start += public_story_paths  # a signed-in reader's view of a public story
            _sweep_role(page, role, start, findings, swept, shared)
            for form_role, path in FORMS_WITH_ERRORS:
                if form_role == role:
                    _show_errors(page, path, findings, swept, role)
        finally:
            context.close()
        assert not dialogs, f"{role}: a page opened a script dialog: {dialogs}"

    elapsed = time.monotonic() - began
    print(f"axe sweep ({group}): {len(swept)} pages × roles in {elapsed:.0f} s")
    assert len(swept) > 15, swept
    if sweeps_shared_pages:
        # The other groups skip these pages: the administrator must have reached every one.
        assert not SAME_FOR_EVERY_ROLE - shared, sorted(SAME_FOR_EVERY_ROLE - shared)
    assert not findings, "\n".join(f"{page}: {violations}" for page, violations in findings.items())
    assert not refused, "the Content-Security-Policy refused:\n" + "\n".join(refused)
