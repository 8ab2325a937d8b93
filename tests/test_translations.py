"""The Indonesian catalogue is complete, and the committed .mo matches the .po."""

import gettext
from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[1] / "locale"
CATALOGUES = sorted(LOCALE.glob("*/LC_MESSAGES/*.po"))


def test_there_is_an_indonesian_catalogue():
    assert LOCALE / "id" / "LC_MESSAGES" / "django.po" in CATALOGUES


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: str(p.relative_to(LOCALE)))
def test_catalogue_has_no_untranslated_or_fuzzy_entries(po_path):
    po = polib.pofile(str(po_path))
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: str(p.relative_to(LOCALE)))
def test_compiled_catalogue_is_not_stale(po_path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"run compilemessages for {po_path}"
    with mo_path.open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    stale = []
    for entry in polib.pofile(str(po_path)).translated_entries():
        if entry.msgid_plural:
            got = compiled.ngettext(entry.msgid, entry.msgid_plural, 1)
            want = entry.msgstr_plural[0]
        else:
            key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
            got, want = compiled._catalog.get(key), entry.msgstr
        if got != want:
            stale.append(entry.msgid)
    assert stale == []
