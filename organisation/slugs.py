"""Addresses made from Danish names: æ, ø and å are written ae, oe and aa.

Django's `slugify` drops letters it cannot fold to ASCII, which turned "Børnehuset
Solsikken" into `brnehuset-solsikken`. Addresses made before this rule still work: the
data migration that rewrote them recorded each old one as a `SlugAlias`, and
`organisation.middleware.FormerAddressMiddleware` redirects a 404 on an old address.
"""

from __future__ import annotations

from django.utils.text import slugify

DANISH_LETTERS = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})


def danish_slugify(text: str) -> str:
    return slugify(str(text).translate(DANISH_LETTERS))
