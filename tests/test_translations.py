"""Every shipped locale is 100% translated, with no fuzzy entries and the same placeholders.

The source strings are extracted afresh from app/ and templates/ here, so a string
added without updating the catalogs fails this test (``make test`` also runs
``pybabel update --check``).
"""

from __future__ import annotations

import gettext
import importlib.util
import io
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po

from app.settings import ROOT, SHIPPED_LOCALES, Settings

LOCALES = [loc for loc in SHIPPED_LOCALES if loc != "en"]
DOMAINS = ("messages", "easyread")
PLACEHOLDER = re.compile(r"%\(\w+\)s")
KEYWORDS = {
    "messages": DEFAULT_KEYWORDS | {"_l": None, "lazy_gettext": None, "lazy_pgettext": ((1, "c"), 2)},
    "easyread": {"er": None, "er_l": None, "ern": (1, 2)},
}


def source_messages(domain: str) -> set[tuple[str | None, str]]:
    found: set[tuple[str | None, str]] = set()
    method_map = [("app/**.py", "python"), ("templates/**.html", "jinja2"), ("templates/**.txt", "jinja2")]
    for _file, _line, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, keywords=KEYWORDS[domain]
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        found.add((context, msgid))
    return found


def catalog(locale: str, domain: str = "messages"):  # type: ignore[no-untyped-def]
    with open(ROOT / "translations" / locale / "LC_MESSAGES" / f"{domain}.po", "rb") as f:
        return read_po(f, locale=locale)


def test_source_has_easy_read_and_standard_strings() -> None:
    standard, easy = source_messages("messages"), source_messages("easyread")
    assert len(standard) > 100 and len(easy) >= 10


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_is_complete(locale: str, domain: str) -> None:
    cat = catalog(locale, domain)
    assert not cat.fuzzy, f"{locale}/{domain}: the catalog header is fuzzy, so it would not be compiled"
    entries = {(m.context, m.id if isinstance(m.id, str) else m.id[0]): m for m in cat if m.id}
    missing = source_messages(domain) - set(entries)
    assert not missing, f"{locale} lacks {len(missing)} strings, e.g. {sorted(missing, key=str)[:3]}"
    for key, m in entries.items():
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        assert all(s.strip() for s in strings), f"{locale}: untranslated {key}"
        assert not m.fuzzy, f"{locale}: fuzzy {key}"
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        expected = set(PLACEHOLDER.findall(ids[0]))
        for s in strings:
            assert set(PLACEHOLDER.findall(s)) == expected, f"{locale}: placeholders differ in {key}"


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("locale", LOCALES)
def test_unchecked_translations_say_so(locale: str, domain: str) -> None:
    header = catalog(locale, domain).header_comment
    if locale in Settings().unchecked_locales:
        assert "not yet checked by a native speaker" in header


# CLDR plural rules for whole numbers, from the Unicode CLDR "Language Plural Rules" chart, version 46
# (https://www.unicode.org/cldr/charts/46/supplemental/language_plural_rules.html, data in
# common/supplemental/plurals.xml). Categories are listed in the order of the catalog's forms.
# Written out here on purpose, not taken from Babel: the pinned Babel's defaults lag CLDR for cy, ar, bn.
def _cy(n: int) -> str:
    return {0: "zero", 1: "one", 2: "two", 3: "few", 6: "many"}.get(n, "other")


def _ar(n: int) -> str:
    if n in (0, 1, 2):
        return ("zero", "one", "two")[n]
    return "few" if 3 <= n % 100 <= 10 else "many" if 11 <= n % 100 <= 99 else "other"


def _pl(n: int) -> str:  # i = n, v = 0: "other" is only for fractions
    if n == 1:
        return "one"
    return "few" if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14 else "many"


CLDR_PLURALS: dict[str, tuple[tuple[str, ...], Callable[[int], str]]] = {
    "cy": (("zero", "one", "two", "few", "many", "other"), _cy),
    "ar": (("zero", "one", "two", "few", "many", "other"), _ar),
    "pl": (("one", "few", "many"), _pl),
    "ur": (("one", "other"), lambda n: "one" if n == 1 else "other"),
    "bn": (("one", "other"), lambda n: "one" if n in (0, 1) else "other"),  # one: i = 0 or n = 1
}


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("locale", LOCALES)
def test_plural_forms_follow_cldr(locale: str, domain: str) -> None:
    cat = catalog(locale, domain)
    order, category = CLDR_PLURALS[locale]
    assert cat.num_plurals == len(order), f"{locale}/{domain}: {cat.plural_forms} should have {len(order)} forms"
    plural = gettext.c2py(cat.plural_expr)  # what Python's gettext (so Flask-Babel) evaluates at run time
    wrong = [n for n in range(201) if plural(n) != order.index(category(n))]
    assert not wrong, f"{locale}/{domain}: {cat.plural_forms} picks the wrong form for n = {wrong[:10]}"
    for m in cat:
        if m.id and m.pluralizable:
            assert len(m.string) == len(order), f"{locale}/{domain}: {m.id[0]!r} needs {len(order)} forms"


# A placeholder with one of these names holds a count of things, so its sentence needs ngettext/ern:
# "1 agreements." or "emailed to 1 people" in English, and worse in languages with more plural forms.
COUNT_PLACEHOLDERS = {"count", "num", "n", "total", "done", "shown", "minutes", "hours", "days", "weeks",
                      "months", "years", "miles"}
NOT_COUNTS = {  # msgid: why the number needs no plural form
    "Step %(number)s of %(total)s": "a position in a sequence; no noun follows the number",
    "Open roles: %(count)s": "a label; the number stands alone after it",
    "Answers are optional and kept apart from people and their interest. Numbers from 1 to %(n)s are hidden "
    "so nobody can be picked out.": "a range of numbers, not a count of things",
    # Labels, because these can be fractions (1.5), which gettext's plural forms cannot take.
    "Miles: %(miles)s": "a label for an amount that can be a fraction",
    "Hours: %(hours)s; rate card version %(version)s": "a label for an amount that can be a fraction",
    "Hours: %(hours)s, at %(rate)s: %(amount)s.": "a label for an amount that can be a fraction (2.25 hours)",
}
SINGULAR_KEYWORDS = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None, "er": None,
                     "pgettext": ((1, "c"), 2), "lazy_pgettext": ((1, "c"), 2)}
PLURAL_KEYWORDS = {"ngettext": (1, 2), "lazy_ngettext": (1, 2), "ern": (1, 2)}


def test_counts_use_ngettext() -> None:
    method_map = [("app/**.py", "python"), ("templates/**.html", "jinja2"), ("templates/**.txt", "jinja2")]
    wrong = []
    for file, line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, keywords=SINGULAR_KEYWORDS | PLURAL_KEYWORDS
    ):
        if isinstance(message, str) and message not in NOT_COUNTS:  # a plural call gives a tuple
            names = set(re.findall(r"%\((\w+)\)s", message)) & COUNT_PLACEHOLDERS
            if names:
                wrong.append(f"{file}:{line}: {message[:70]!r}")
    assert not wrong, "Use ngettext (ern for easy read) for text with a count:\n" + "\n".join(wrong)


def _review_module():  # type: ignore[no-untyped-def]
    """translations/review.py (a script, not a package), loaded as a module."""
    spec = importlib.util.spec_from_file_location("review", ROOT / "translations" / "review.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


review = _review_module()


def test_review_uses_the_cldr_order_of_plural_forms() -> None:
    assert review.CATEGORIES == {loc: order for loc, (order, _rule) in CLDR_PLURALS.items()}
    assert set(review.locales()) == set(LOCALES)


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("locale", LOCALES)
def test_review_writes_catalogs_as_pybabel_update_does(locale: str, domain: str) -> None:
    path = ROOT / "translations" / locale / "LC_MESSAGES" / f"{domain}.po"
    out = io.BytesIO()
    write_po(out, catalog(locale, domain), width=76, ignore_obsolete=True)
    assert out.getvalue() == path.read_bytes(), "review.py would rewrite more than the entries it fixes"


@pytest.mark.parametrize("locale", LOCALES)
def test_every_entry_is_reviewed(locale: str) -> None:
    """No translation ships without a back-translation review of its current wording."""
    left = review.unreviewed(ROOT / "translations", locale)
    assert not left, (
        f"{locale}: {len(left)} entries are not reviewed in their current form, e.g. {left[:3]}. Run "
        f"`make translations-review`, back-translate the lines of translations/{locale}/to-review.jsonl "
        "(back, verdict, fix), then run `make translations-review` again to take them in."
    )


@pytest.mark.parametrize("locale", LOCALES)
def test_glossary_words_are_used(locale: str) -> None:
    assert (ROOT / "translations" / locale / "glossary.txt").exists()
    misses = review.glossary_misses(ROOT / "translations", locale)
    assert not misses, (
        f"{locale}: {len(misses)} entries use another word for a term in translations/{locale}/glossary.txt "
        "(fix the translation, or add `! <msgid>` to the glossary if the term is not meant):\n" + "\n".join(misses)
    )


def test_review_applies_fixes_records_reviews_and_is_idempotent(tmp_path: Path) -> None:
    root = tmp_path / "translations"
    shutil.copytree(ROOT / "translations" / "pl", root / "pl", ignore=shutil.ignore_patterns("*.jsonl", "*.mo"))
    sample = tmp_path / "pl.jsonl"  # the locale is the file's name, as in the reviewers' files
    lines = [
        {"domain": "messages", "msgid": "Bank account", "back": "Bank account", "verdict": "same", "fix": None,
         "why": ""},
        {"domain": "messages", "msgid": "%(num)s claim found.", "back": "one: %(num)s claim found / other: ...",
         "verdict": "differs", "fix": {"many": "Mamy %(num)s wniosków.", "one": "Mamy %(num)s wniosek.",
                                       "few": "Mamy %(num)s wnioski."}, "why": "sample"},
        {"domain": "easyread", "msgid": "We got your claim.", "back": "We have your claim.", "verdict": "differs",
         "fix": "Dostaliśmy twój wniosek.", "why": "sample"},
        {"domain": "messages", "msgid": "A string that is gone", "back": "x", "verdict": "same", "fix": None, "why": ""},
        {"domain": "messages", "msgid": "Sign out", "back": "", "verdict": "", "fix": None, "why": ""},
        {"domain": "messages", "msgid": "Change", "back": "Change", "verdict": "differs", "fix": "Zmień %(x)s",
         "why": "a placeholder that is not in the English"},
    ]
    sample.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")

    assert review.main(["apply", str(sample)], root=root) == 1  # one fix refused
    messages, easy = review.read_catalog(root, "pl", "messages"), review.read_catalog(root, "pl", "easyread")
    assert messages.get("%(num)s claim found.").string == (
        "Mamy %(num)s wniosek.", "Mamy %(num)s wnioski.", "Mamy %(num)s wniosków.")  # one, few, many
    assert easy.get("We got your claim.").string == "Dostaliśmy twój wniosek."
    assert messages.get("Change").string == catalog("pl").get("Change").string
    records = review.reviewed(root, "pl")
    assert set(records) == {("messages", "Bank account"), ("messages", "%(num)s claim found."),
                            ("easyread", "We got your claim.")}
    assert records[("messages", "%(num)s claim found.")]["hash"] == review.entry_hash(
        "messages", messages.get("%(num)s claim found."))
    left = review.unreviewed(root, "pl")
    assert ("messages", "Sign out") in left and ("messages", "Bank account") not in left
    to_review = [json.loads(line) for line in (root / "pl" / "to-review.jsonl").read_text().splitlines()]
    assert [(x["domain"], x["msgid"]) for x in to_review] == left and not to_review[0]["back"]

    files = {p: p.read_bytes() for p in (root / "pl").rglob("*") if p.is_file()}
    assert review.main(["apply", str(sample)], root=root) == 1
    assert {p: p.read_bytes() for p in (root / "pl").rglob("*") if p.is_file()} == files  # idempotent

    # Filling in a line of to-review.jsonl and running again records it and drops it from the file.
    filled = [x | {"back": "Sign out", "verdict": "same"} if x["msgid"] == "Sign out" else x for x in to_review]
    (root / "pl" / "to-review.jsonl").write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in filled))
    assert review.main([], root=root) == 0
    assert ("messages", "Sign out") not in review.unreviewed(root, "pl")
    assert "Sign out" not in [json.loads(x)["msgid"] for x in (root / "pl" / "to-review.jsonl").read_text().splitlines()]

    # A changed translation is no longer reviewed.
    cat = review.read_catalog(root, "pl", "messages")
    cat.get("Bank account").string = "Rachunek bankowy"
    review.write_catalog(root, "pl", cat)
    assert ("messages", "Bank account") in review.unreviewed(root, "pl")
