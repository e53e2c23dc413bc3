"""allauth's pages and messages speak Samspil's Danish (locale/wording/), not allauth's stock."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

STOCK = ("Loggede succesfuldt", "Genautentificer", "to-faktor", "To-faktor", "autentificering")


def test_logging_in_says_so_in_plain_danish(org):
    client = Client(HTTP_ACCEPT_LANGUAGE="da")
    response = client.post(reverse("account_login"), {"login": org.member.email, "password": factories.PASSWORD})
    texts = [str(message) for message in get_messages(response.wsgi_request)]
    assert any(text.startswith("Du er logget ind som ") for text in texts), texts
    assert not any(stock in text for text in texts for stock in STOCK)


@pytest.mark.parametrize("name", ["account_reauthenticate", "mfa_index", "account_reset_password", "mfa_activate_totp"])
def test_account_pages_use_one_word_for_two_factor(org, client_for, name):
    client = client_for(org.member)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "da"
    html = client.get(reverse(name), follow=True).content.decode()
    for stock in STOCK:
        assert stock not in html, (name, stock)
