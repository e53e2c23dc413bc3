"""The .po files are the one source of the Danish text.

`manage.py compiletranslations --check` (the last step of `make makemessages`) lists
every Danish string without a translation; no Python module keeps a second dictionary
of Danish text.
"""

from __future__ import annotations

import ast

import polib
import pytest
from django.core.management import CommandError, call_command

from tests.conftest import ROOT

DANISH = set("æøåÆØÅ")


def test_every_danish_string_is_translated_in_the_po_files(capsys):
    call_command("compiletranslations", check=True)
    assert "Every Danish string is translated." in capsys.readouterr().out


def test_the_check_names_a_missing_or_fuzzy_translation(tmp_path, settings, capsys):
    folder = tmp_path / "locale" / "da" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = polib.POFile()
    po.append(polib.POEntry(msgid="Meetings", msgstr="Møder"))
    po.append(polib.POEntry(msgid="New string", msgstr=""))
    po.append(polib.POEntry(msgid="Guessed string", msgstr="Gættet", flags=["fuzzy"]))
    po.save(str(folder / "django.po"))
    settings.BASE_DIR = tmp_path
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    settings.SAMSPIL_APPS = []
    with pytest.raises(CommandError):
        call_command("compiletranslations", check=True)
    out = capsys.readouterr().out
    assert "'New string'" in out and "'Guessed string'" in out and "'Meetings'" not in out


def _python_files():
    for path in ROOT.rglob("*.py"):
        parts = set(path.relative_to(ROOT).parts)
        if parts & {".venv", "tests", "migrations", "node_modules", "var"}:
            continue
        yield path


def test_no_python_module_keeps_a_dictionary_of_danish_text():
    """A dict literal of ten or more sentence-to-sentence pairs whose values are Danish is
    a second translation catalogue (locale/translate_da.py was one)."""
    found = []
    for path in _python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Dict) or len(node.keys) < 10:
                continue
            pairs = [
                (k.value, v.value)
                for k, v in zip(node.keys, node.values, strict=True)
                if isinstance(k, ast.Constant)
                and isinstance(k.value, str)
                and isinstance(v, ast.Constant)
                and isinstance(v.value, str)
            ]
            # English sentence → Danish sentence (demo data is keyed by slugs, not sentences).
            danish = [(k, v) for k, v in pairs if " " in k and DANISH & set(v) and not DANISH & set(k)]
            if len(danish) >= 5:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == []
