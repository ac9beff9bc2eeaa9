"""Locale choice, direction, easy read, and reading amounts as people type them."""

from __future__ import annotations

from decimal import Decimal

from pathlib import Path

import pytest
from flask_babel import force_locale

from app.i18n import money, normalise_digits, parse_amount


@pytest.mark.parametrize(
    "typed, pounds",
    [
        ("12.50", "12.50"),
        ("12,50", "12.50"),
        ("£12.50", "12.50"),
        (" £ 7 ", "7.00"),
        ("1,250.00", "1250.00"),
        ("1.250,00", "1250.00"),
        ("1,250", "1250.00"),
        ("0.5", "0.50"),
        ("١٢٫٥٠", "12.50"),      # Arabic-Indic digits and Arabic decimal separator
        ("١٢,٥٠", "12.50"),
        ("۱۲.۵۰", "12.50"),      # Extended Arabic-Indic (Urdu)
        ("১২.৫০", "12.50"),      # Bengali
        ("৩০০", "300.00"),
    ],
)
def test_amounts_are_understood_however_they_are_typed(typed: str, pounds: str) -> None:
    assert parse_amount(typed) == Decimal(pounds)


@pytest.mark.parametrize("typed", ["", "abc", "-5", "12.345", "1,2,3", "12..5", "£", "1e5", "12,5,0"])
def test_things_that_are_not_amounts_are_refused(typed: str) -> None:
    assert parse_amount(typed) is None


def test_digits_of_every_script_become_ascii() -> None:
    assert normalise_digits("٠١٢٣٤٥٦٧٨٩ ۰۱۲۳۴۵۶۷۸۹ ০১২৩৪৫৬৭৮৯") == "012345678901234567890123456789"


def test_money_is_formatted_for_the_locale(app_ctx) -> None:
    with force_locale("en"):
        assert money(1250) == "£12.50"
    with force_locale("pl"):
        # Polish groups with a space and uses a decimal comma (CLDR writes GBP, not £).
        assert money(125000).replace("\xa0", " ").replace("\u202f", " ").startswith("1 250,00")
    with force_locale("ar"):
        assert money(1250) != "£12.50"


def test_language_chosen_by_query_is_remembered(client_request) -> None:
    page = client_request.get("/?lang=cy")
    assert page.doc.get("lang") == "cy"
    assert "lang=cy" in page.headers.get("Set-Cookie", "")
    assert client_request.get("/").doc.get("lang") == "cy"


def test_browser_language_is_used_when_nothing_is_chosen(client_request) -> None:
    page = client_request.get("/", headers={"Accept-Language": "pl-PL,pl;q=0.9,en;q=0.5"})
    assert page.doc.get("lang") == "pl"


def test_unknown_languages_fall_back_to_english(client_request) -> None:
    page = client_request.get("/?lang=xx", headers={"Accept-Language": "de"})
    assert page.doc.get("lang") == "en"
    assert page.doc.get("dir") == "ltr"


@pytest.mark.parametrize("code", ["ar", "ur"])
def test_right_to_left_languages_set_direction(client_request, code: str) -> None:
    assert client_request.get(f"/?lang={code}").doc.get("dir") == "rtl"


def test_switcher_names_each_language_in_itself(client_request) -> None:
    page = client_request.get("/")
    links = {a.get("lang"): "".join(a.itertext()).strip() for a in page.findall(".//nav[@class='lang-switcher']//a")}
    assert links == {"en": "English", "cy": "Cymraeg", "pl": "Polski", "ur": "اردو", "ar": "العربية", "bn": "বাংলা"}
    current = [a.get("lang") for a in page.findall(".//nav[@class='lang-switcher']//a") if a.get("aria-current")]
    assert current == ["en"]


def test_switcher_keeps_the_rest_of_the_address(client_request) -> None:
    page = client_request.get("/accessibility?easy-read=on")
    hrefs = [a.get("href") for a in page.findall(".//nav[@class='lang-switcher']//a")]
    assert "/accessibility?easy-read=on&lang=ar" in hrefs


def test_unchecked_translation_is_announced(client_request) -> None:
    assert client_request.get("/?lang=en").by_id("unchecked-translation-notice") is None
    welsh = client_request.get("/?lang=cy")
    notice = welsh.by_id("unchecked-translation-notice")
    assert notice is not None
    assert "native speaker" not in "".join(notice.itertext())  # it is in Welsh, not English


def test_the_header_names_the_language_in_use_and_opens_the_list(client_request) -> None:
    page = client_request.get("/?lang=en")
    summary = page.find(".//details[@class='lang-menu']/summary")
    assert " ".join("".join(summary.itertext()).split()) == "Language: English"
    assert page.find(".//details[@class='lang-menu']//nav[@class='lang-switcher']") is not None
    arabic = client_request.get("/?lang=ar").find(".//details[@class='lang-menu']/summary")
    assert "".join(arabic.itertext()).strip().endswith("العربية")


def test_unchecked_translation_notice_is_one_short_line_linking_to_the_full_text(client_request) -> None:
    notice = client_request.get("/?lang=cy").by_id("unchecked-translation-notice")
    link = notice.find(".//a")
    assert link.get("href") == "/accessibility#translations"
    assert len("".join(notice.itertext()).split()) <= 16
    full = client_request.get(link.get("href"))
    assert full.by_id("translations") is not None
    assert client_request.get("/accessibility?lang=en").by_id("translations") is None  # nothing to explain


def test_easy_read_is_remembered_and_changes_the_page(client_request) -> None:
    normal = client_request.get("/")
    assert "easy-read" not in (normal.find(".//body").get("class") or "")
    easy = client_request.get("/?easy-read=on")
    assert "easy-read" in easy.find(".//body").get("class")
    assert easy.findall(".//li[@class='easy-read-point']")
    assert all(img.get("alt") == "" for img in easy.findall(".//li[@class='easy-read-point']/img"))
    again = client_request.get("/accessibility")
    assert "easy-read" in again.find(".//body").get("class")
    switch = again.by_id("easy-read-switch")
    assert switch.get("href").endswith("easy-read=off")
    assert "easy-read" not in (client_request.get("/?easy-read=off").find(".//body").get("class") or "")


def test_easy_read_text_is_translated(client_request) -> None:
    english = client_request.get("/?easy-read=on&lang=en").text()
    welsh = client_request.get("/?easy-read=on&lang=cy").text()
    assert "We pay you for your time." in english
    assert "We pay you for your time." not in welsh


def render(app, source: str, query: str = "") -> str:  # type: ignore[no-untyped-def]
    with app.test_request_context(f"/{query}"):
        app.preprocess_request()
        return app.jinja_env.from_string(source).render()


def test_english_easy_read_shown_for_want_of_a_translation_is_marked_english(app) -> None:
    source = '<p>{{ er("A sentence nobody has translated yet.") }}</p>'
    assert render(app, source, "?lang=ar") == (
        '<p><bdi lang="en" dir="ltr">A sentence nobody has translated yet.</bdi></p>')
    assert render(app, source, "?lang=en") == "<p>A sentence nobody has translated yet.</p>"
    translated = render(app, '<p>{{ er("We pay you for your time.") }}</p>', "?lang=ar")
    assert "bdi" not in translated and "We pay" not in translated


def test_phone_numbers_are_links_to_call_kept_left_to_right(app, client_request) -> None:
    for query in ("?lang=en", "?lang=ar&easy-read=on"):
        page = client_request.get("/" + query)
        footer = page.find(".//footer//a[@class='tel']")
        assert footer is not None and footer.get("href") == "tel:03000000000" and footer.get("dir") == "ltr"
    easy = client_request.get("/?lang=en&easy-read=on")
    assert easy.find(".//main//a[@class='tel']") is not None  # "Call us on ..." in easy read too
    assert render(app, '{{ "+44 (0)300 000 0000" | tel }}') == (
        '<a href="tel:+443000000000" class="tel" dir="ltr">0300 000 0000</a>')  # a UK number, shown nationally
    assert render(app, '{{ "Samaritans, any time: 116 123" | number_at_end }}') == (
        'Samaritans, any time: <a href="tel:116123" class="tel" dir="ltr">116 123</a>')
    assert render(app, '{{ "Shout, text SHOUT to 85258" | number_at_end }}') == "Shout, text SHOUT to 85258"


def test_references_never_break_inside(app) -> None:
    assert render(app, '{{ _("Reference %(reference)s, sent on %(date)s.", reference="TP-JT6G-BB" | reference, '
                       'date="today") }}') == (
        'Reference <span class="reference" dir="ltr">TP-JT6G-BB</span>, sent on today.')
    css = (Path(__file__).resolve().parents[1] / "static" / "css" / "site.css").read_text()
    assert ".reference, .tel { white-space: nowrap; }" in css


@pytest.mark.parametrize("code, joined", [
    ("en", "Breaks, An interpreter and A quiet space"), ("pl", "Breaks, An interpreter i A quiet space"),
    ("ar", "Breaks وAn interpreter وA quiet space"), ("ur", "Breaks، An interpreter، اور A quiet space")])
def test_lists_are_joined_the_way_the_page_language_joins_them(app, code: str, joined: str) -> None:
    assert render(app, '{{ ["Breaks", "An interpreter", "A quiet space"] | join_words }}', f"?lang={code}") == joined


def test_facts_side_by_side_use_the_page_languages_comma(app) -> None:
    from app.i18n import join_details

    for query, joined in (("?lang=ar", "Chris Carer، chris@example.org، Carer"),
                          ("?lang=cy", "Chris Carer, chris@example.org, Carer")):
        with app.test_request_context("/" + query):
            app.preprocess_request()
            assert join_details(["Chris Carer", "chris@example.org", "", "Carer"]) == joined


def test_a_persons_needs_are_listed_in_the_page_language(app) -> None:
    from tests.account.test_details import signed_in

    cr, _ = signed_in(app, access_needs=["breaks", "quiet_space"])
    row = [r for r in cr.get("/account/?lang=ar").findall(".//dl//div") if r.find("dd") is not None]
    answers = ["".join(r.find("dd").itertext()) for r in row]
    assert any(" و" in a and "," not in a for a in answers), answers
