"""The journey in a real browser: a committee member signs; the register shows them; an
administrator (with two-factor authentication) publishes version 2; the member sees the
"sign again" banner and the register lists them as not yet signed for version 2."""

from __future__ import annotations

import pytest

from codex.models import CodeVersion, Signature
from tests.conftest import axe_violations, login
from tests.factories import build_org

from .helpers import enrol_totp, publish_version, totp_code

pytestmark = [pytest.mark.browser]


def login_with_totp(page, email: str, secret: str) -> None:
    login(page, email)
    assert "/2fa/" in page.url, page.url  # allauth's second step for an enrolled user
    page.fill("input[name=code]", totp_code(secret))
    page.click("form button[type=submit].btn-primary, form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/2fa/" not in page.url


def test_a_member_signs_and_is_asked_again_when_version_2_is_published(transactional_db, page, chromium):
    org = build_org()
    v1 = publish_version(org.admin, title="Kodeks for samspil")
    secret = enrol_totp(org.admin)
    base = page.base_url

    # The committee member logs in, is asked to sign, reads the code and signs it.
    login(page, org.member.email)
    assert page.locator(".codex-banner").count() == 1
    page.goto(base + "/kodeks/")
    assert page.locator(f"#consent-{v1.pk}").is_visible()
    assert not axe_violations(page)
    page.check(f"#consent-{v1.pk}")
    page.click("form.codex-sign button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/kodeks/mine-underskrifter/")
    assert v1.text_sha256 in page.content()
    assert Signature.objects.filter(person=org.member, version=v1).exists()

    # The administrator, with a second factor, finds the member in the register.
    admin_context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="da-DK")
    admin = admin_context.new_page()
    admin.set_default_timeout(15_000)
    admin.base_url = base
    login_with_totp(admin, org.admin.email, secret)
    admin.goto(base + "/kodeks/register/?committee=born-og-unge&status=signed")
    assert admin.locator("td.codex-name").get_by_text(org.member.full_name, exact=True).count() == 1
    assert not axe_violations(admin)

    # The administrator writes version 2 from version 1, previews and publishes it.
    admin.goto(base + "/kodeks/administration/")
    admin.click("form[action$='/administration/ny/'] button[type=submit]")
    admin.wait_for_load_state("networkidle")
    assert "/rediger/" in admin.url
    admin.fill("input[name=title]", "Kodeks for samspil, version 2")
    admin.click("button[name=preview]")
    admin.wait_for_load_state("networkidle")
    assert "/forhaandsvisning/" in admin.url
    assert not axe_violations(admin)
    admin.click("form[action$='/udgiv/'] button[type=submit]")
    admin.wait_for_load_state("networkidle")
    assert "/udsendelse/" in admin.url
    assert admin.locator("progress.codex-progress").count() >= 1
    v2 = CodeVersion.objects.get(number=2)
    assert v2.published_at is not None

    # The member logs in again: the banner asks them to sign again.
    page.context.clear_cookies()
    login(page, org.member.email)
    banner = page.locator(".alert .codex-banner")
    assert banner.count() == 1
    assert "2" in banner.inner_text()

    # The register lists the member as not yet signed for version 2.
    admin.goto(base + "/kodeks/register/?committee=born-og-unge&status=unsigned")
    assert admin.locator("td.codex-name").get_by_text(org.member.full_name, exact=True).count() == 1
    admin.goto(base + "/kodeks/register/?committee=born-og-unge&status=signed")
    assert admin.locator("td.codex-name").get_by_text(org.member.full_name, exact=True).count() == 0
    admin_context.close()


def test_the_public_page_reads_well_on_a_phone_without_login(transactional_db, page):
    org = build_org()
    publish_version(org.admin)
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(page.base_url + "/kodeks/offentlig/")
    assert page.locator("h1").count() == 1
    assert page.locator("progress.codex-share").count() >= 1
    assert not axe_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_leader_rates_the_workplace_and_sees_the_chart(transactional_db, page):
    org = build_org()
    publish_version(org.admin)
    login(page, org.leader.email)
    page.goto(page.base_url + f"/kodeks/selvevaluering/virksomhed/{org.workplace.slug}/")
    assert page.locator(".empty-state").count() == 1
    assert not axe_violations(page)
    for fieldset in page.locator("fieldset.codex-question").all():
        fieldset.locator("input[value='4']").check()
    page.fill("textarea[name=note]", "Vi øver os i at sige fejl højt.")
    page.click("form button[type=submit].btn-primary")
    page.wait_for_load_state("networkidle")
    assert page.locator("svg.codex-chart-svg circle").count() == 1
    assert page.get_by_text("Vi øver os i at sige fejl højt.").count() == 1
    assert not axe_violations(page)


def test_a_member_who_signed_version_1_sees_what_changed_before_signing_version_2(transactional_db, page):
    """Issue 18.4: signing again starts from what changed, side by side, word by word."""
    from .helpers import sign

    org = build_org()
    v1 = publish_version(org.admin, title="Kodeks", duties=("Sandhed", "Faglighed"))
    sign(org.member, v1)
    v2 = publish_version(org.admin, title="Kodeks for samspil", duties=("Sandhed", "Åbenhed"))

    login(page, org.member.email)
    page.goto(page.base_url + "/kodeks/")
    changes = page.locator(f"section.codex-changes[aria-labelledby='changes-{v2.pk}']")
    assert "Det er ændret siden version 1" in changes.locator("h3").inner_text()
    assert changes.locator("th[scope=col]").nth(1).inner_text() == "Version 1 (du skrev under)"
    assert changes.locator("del").get_by_text("Faglighed: Faglighed").count() == 1
    assert changes.locator("ins").get_by_text("Åbenhed: Åbenhed").count() == 1
    assert changes.locator("ins").get_by_text("for samspil").count() == 1
    assert not axe_violations(page)
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"/tmp/codex-changes-{width}.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width

    # Having read the changes, the member signs version 2; the diff is gone.
    page.check(f"#consent-{v2.pk}")
    page.click("form.codex-sign button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/kodeks/mine-underskrifter/")
    assert Signature.objects.filter(person=org.member, version=v2).exists()
    page.goto(page.base_url + "/kodeks/")
    assert page.locator("section.codex-changes").count() == 0


def test_a_member_sees_the_shares_per_group_and_no_roll_call(transactional_db, page):
    """Issue 18.4: the register is not a roll call for colleagues."""
    from .helpers import sign

    org = build_org()
    version = publish_version(org.admin)
    sign(org.chair, version)
    login(page, org.member.email)
    page.goto(page.base_url + "/kodeks/register/?status=unsigned")
    assert page.locator("progress.codex-share").count() >= 2
    assert page.locator("td.codex-name").count() == 0 and page.locator("#f-status").count() == 0
    assert org.chair.full_name not in page.content() and "Ikke underskrevet" not in page.content()
    assert not axe_violations(page)
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"/tmp/codex-shares-{width}.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
