"""Two windows on one draft, in Chromium: nothing typed is lost, the conflict stands next to
the field, the writer resolves it (also by keyboard alone and at 320 px), the other window
learns who changed its text, and a failed request keeps the text."""

from __future__ import annotations

import re

import pytest

from agreements import views
from agreements.models import Agreement, Goal
from tests.conftest import axe_violations, login

from .helpers import make_agreement, own_goal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAVED = re.compile(r"\d\d[:.]\d\d")


def _open(chromium, live_server, email: str, url: str, *, width: int = 1280):
    context = chromium.new_context(viewport={"width": width, "height": 800}, locale="da-DK")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    login(page, email)
    page.goto(live_server.url + url)
    return page


def _wait_status(page, field_id: str, pattern: str) -> str:
    selector = f"#{field_id}-status"
    page.wait_for_function(
        "([sel, pattern]) => new RegExp(pattern).test(document.querySelector(sel).textContent)",
        arg=[selector, pattern],
    )
    return page.inner_text(selector)


@pytest.fixture
def two_windows(chromium, live_server, org, monkeypatch):
    """The leader (A) with a quick heartbeat, the administrator (B) with one so slow that
    B's stale version meets the server on B's own save, not on a beat (deterministic)."""
    agreement = make_agreement(org)
    url = f"/udviklingsaftaler/{agreement.pk}/rediger/"
    monkeypatch.setattr(views, "HEARTBEAT_MS", 700)
    a = _open(chromium, live_server, org.leader.email, url)
    monkeypatch.setattr(views, "HEARTBEAT_MS", 600_000)
    b = _open(chromium, live_server, org.admin.email, url)
    yield agreement, a, b
    a.context.close()
    b.context.close()


def _conflict_next_to(page, field_id: str) -> None:
    """The conflict choice stands right below the field, inside the viewport."""
    panel = page.locator(f"[data-draft-field] #{field_id} ~ [data-draft-conflict]")
    panel.wait_for()
    # The page scrolls the choice into view (smoothly, as Bootstrap sets it): wait until it is.
    page.wait_for_function(
        "sel => { const r = document.querySelector(sel).getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= window.innerHeight; }",
        arg=f"#{field_id} ~ [data-draft-conflict]",
    )
    field_box = page.locator(f"#{field_id}").bounding_box()
    panel_box = panel.bounding_box()
    viewport = page.viewport_size
    assert 0 <= panel_box["y"] - (field_box["y"] + field_box["height"]) < 120, (field_box, panel_box)
    assert panel_box["y"] >= 0 and panel_box["y"] + panel_box["height"] <= viewport["height"], panel_box
    assert panel_box["x"] >= 0 and panel_box["x"] + panel_box["width"] <= viewport["width"], panel_box


@pytest.mark.parametrize("which", ["goal", "introduction"])
def test_b_gets_the_conflict_next_to_the_field_keeps_typing_and_merges_without_losing_a_word(two_windows, org, which):
    agreement, a, b = two_windows
    goal = own_goal(agreement)
    field_id = f"id_goal-{goal.pk}-why" if which == "goal" else "id_introduction"

    def text() -> str:
        return (
            Goal.objects.get(pk=goal.pk).why if which == "goal" else Agreement.objects.get(pk=agreement.pk).introduction
        )

    # Each window names the other near the top.
    a.wait_for_function("() => document.querySelector('#editor-presence').textContent.includes('Admin')")
    assert org.leader.full_name in b.inner_text("#editor-presence")

    a.locator(f"#{field_id}").press_sequentially("Lederens tekst om læsning", delay=5)
    assert SAVED.search(_wait_status(a, field_id, r"\d\d:\d\d"))
    assert text() == "Lederens tekst om læsning"

    b.locator(f"#{field_id}").press_sequentially("Administratorens tekst", delay=5)
    _conflict_next_to(b, field_id)
    # Said where B types, as an error, in a region assistive technology announces.
    assert "draft-status-error" in b.get_attribute(f"#{field_id}-status", "class")
    assert b.inner_text(f"#{field_id}-status").strip()
    assert b.get_attribute(f"#{field_id}-status", "aria-live") == "polite"
    assert "Lederens tekst om læsning" in b.inner_text("[data-draft-conflict]")

    # B keeps typing: nothing is saved until B chooses, so A's text stays.
    saves = []
    b.on("request", lambda request: saves.append(request.url) if "/felt/" in request.url else None)
    b.locator(f"#{field_id}").press_sequentially(" om trivsel", delay=5)
    b.keyboard.press("Tab")  # a change event would save at once if autosave were still on
    # Proving an absence: wait past the 1 s autosave delay, then look.
    b.wait_for_timeout(1500)
    assert saves == []
    assert text() == "Lederens tekst om læsning"
    assert b.input_value(f"#{field_id}") == "Administratorens tekst om trivsel"

    # Merge: both texts in the field, editable; B composes and saves.
    b.click("[data-draft-conflict] [data-resolve=merge]")
    merged = b.input_value(f"#{field_id}")
    assert "Lederens tekst om læsning" in merged and "Administratorens tekst om trivsel" in merged
    b.locator(f"#{field_id}").press("End")
    b.locator(f"#{field_id}").press_sequentially(".", delay=5)
    b.click("[data-draft-conflict] [data-resolve=save]")
    _wait_status(b, field_id, r"\d\d:\d\d")
    assert b.locator("[data-draft-conflict]").count() == 0
    saved = text()
    assert "Lederens tekst om læsning" in saved and "Administratorens tekst om trivsel" in saved

    # A's window does not keep saying "Saved": it shows who changed the text, and the text.
    _wait_status(a, field_id, org.admin.full_name)
    assert "draft-status-changed" in a.get_attribute(f"#{field_id}-status", "class")
    assert a.input_value(f"#{field_id}") == saved


def test_two_different_fields_of_one_goal_edited_at_once_both_land(two_windows):
    agreement, a, b = two_windows
    goal = own_goal(agreement)
    a.locator(f"#id_goal-{goal.pk}-why").press_sequentially("Lederens begrundelse", delay=5)
    b.locator(f"#id_goal-{goal.pk}-success").press_sequentially("Administratorens succes", delay=5)
    _wait_status(a, f"id_goal-{goal.pk}-why", r"\d\d:\d\d")
    _wait_status(b, f"id_goal-{goal.pk}-success", r"\d\d:\d\d")
    goal.refresh_from_db()
    assert goal.why == "Lederens begrundelse" and goal.success == "Administratorens succes"
    assert b.locator("[data-draft-conflict]").count() == 0 and a.locator("[data-draft-conflict]").count() == 0
    # A's quick heartbeat brings B's field into A's window.
    _wait_status(a, f"id_goal-{goal.pk}-success", "Admin")
    assert a.input_value(f"#id_goal-{goal.pk}-success") == "Administratorens succes"


def test_the_conflict_is_resolved_with_the_keyboard_alone_at_320_px_and_axe_finds_nothing(
    chromium, live_server, org, monkeypatch
):
    agreement = make_agreement(org)
    goal = own_goal(agreement)
    url = f"/udviklingsaftaler/{agreement.pk}/rediger/"
    monkeypatch.setattr(views, "HEARTBEAT_MS", 600_000)
    a = _open(chromium, live_server, org.leader.email, url)
    b = _open(chromium, live_server, org.admin.email, url, width=320)
    try:
        field_id = f"id_goal-{goal.pk}-title"
        a.locator(f"#{field_id}").fill("Lederens titel")
        _wait_status(a, field_id, r"\d\d:\d\d")

        b.focus(f"#{field_id}")
        b.keyboard.press("End")
        b.keyboard.type(" – administratorens")
        _conflict_next_to(b, field_id)
        overflow = b.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0
        b.evaluate("document.querySelector('footer form[action$=\"/i18n/setlang/\"] button')?.remove()")
        assert axe_violations(b) == []

        # From the field, Tab reaches "Keep my text" first; Enter chooses it.
        b.keyboard.press("Tab")
        assert b.evaluate("document.activeElement.dataset.resolve") == "mine"
        b.keyboard.press("Enter")
        _wait_status(b, field_id, r"\d\d:\d\d")
        assert b.evaluate("document.activeElement.id") == field_id  # focus back where one writes
        assert Goal.objects.get(pk=goal.pk).title == "Eget mål 1 – administratorens"
    finally:
        a.context.close()
        b.context.close()


def test_a_failed_request_keeps_the_text_and_says_so_in_the_field(chromium, live_server, org, monkeypatch):
    agreement = make_agreement(org)
    goal = own_goal(agreement)
    monkeypatch.setattr(views, "HEARTBEAT_MS", 600_000)
    page = _open(chromium, live_server, org.leader.email, f"/udviklingsaftaler/{agreement.pk}/rediger/")
    try:
        field_id = f"id_goal-{goal.pk}-why"
        page.context.set_offline(True)
        page.locator(f"#{field_id}").press_sequentially("Skrevet uden net", delay=5)
        page.wait_for_selector(f"#{field_id}-status.draft-status-error")
        assert page.input_value(f"#{field_id}") == "Skrevet uden net"
        page.context.set_offline(False)
        # The field tries again by itself when the connection is back.
        _wait_status(page, field_id, r"\d\d:\d\d")
        assert Goal.objects.get(pk=goal.pk).why == "Skrevet uden net"
    finally:
        page.context.close()


def test_the_editor_breaks_no_content_security_policy_rule(chromium, live_server, org, monkeypatch):
    agreement = make_agreement(org, goals=2)
    monkeypatch.setattr(views, "HEARTBEAT_MS", 300)
    context = chromium.new_context(viewport={"width": 1280, "height": 800}, locale="da-DK")
    page = context.new_page()
    page.base_url = live_server.url
    reports = []
    page.on(
        "console", lambda message: reports.append(message.text) if "Content Security Policy" in message.text else None
    )
    try:
        login(page, org.leader.email)
        page.goto(live_server.url + f"/udviklingsaftaler/{agreement.pk}/rediger/")
        goal = own_goal(agreement)
        page.click(f"#goal-{goal.pk} details.partner-details summary")
        page.fill(f"#id_goal-{goal.pk}-partner_search", "park")
        page.wait_for_selector(f"#goal-{goal.pk}-match-{org.other_workplace.pk}")
        page.locator(f"#id_goal-{goal.pk}-why").press_sequentially("Tekst", delay=5)
        _wait_status(page, f"id_goal-{goal.pk}-why", r"\d\d:\d\d")
        assert reports == []
    finally:
        context.close()
