"""The German catalogue is complete and its compiled file matches it."""

import polib

from tests.conftest import PROJECT_DIR

PO = PROJECT_DIR / "locale" / "de" / "LC_MESSAGES" / "django.po"


def test_every_message_has_a_german_translation():
    untranslated = [entry.msgid for entry in polib.pofile(str(PO)) if not entry.translated()]
    assert untranslated == []


def test_compiled_catalogue_matches_the_source():
    source = {entry.msgid: entry.msgstr for entry in polib.pofile(str(PO)) if entry.translated()}
    compiled = {entry.msgid: entry.msgstr for entry in polib.mofile(str(PO.with_suffix(".mo"))) if entry.msgid}
    assert compiled == source, "run: python manage.py compilemessages (or polib) after editing django.po"
