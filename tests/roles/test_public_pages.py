"""Finding roles: open roles only, filters (also in place with htmx), easy read, language, share."""

from __future__ import annotations

from datetime import date, timedelta

from app.roles import service
from tests.roles.test_role_service import COMPLETE, STAFF


def publish(app, **changes):  # type: ignore[no-untyped-def]
    with app.app_context():
        role = service.create(COMPLETE | {"closing_date": date.today() + timedelta(days=10)} | changes, STAFF)
        service.publish(role, STAFF)
        return role.id


def test_only_open_published_roles_are_listed(app, client_request) -> None:
    open_id = publish(app, title="Open role")
    with app.app_context():
        draft = service.create(COMPLETE | {"title": "Draft role"}, STAFF)
        draft_id = draft.id
    closed_id = publish(app, title="Closed role")
    with app.app_context():
        from app import db
        from app.roles.models import Role

        service.change_status(db.session().get(Role, closed_id), "closed", STAFF, "officer")
    publish(app, title="Past its closing date", closing_date=date.today() - timedelta(days=1))
    page = client_request.get("/roles/?lang=en")
    titles = [a.text for a in page.findall(".//ul[@class='card-list']/li/h2/a")]
    assert titles == ["Open role"]
    assert "Open roles: 1" in page.text()
    client_request.get(f"/roles/{draft_id}", expected_status=404)
    assert "no longer taking interest" in client_request.get(f"/roles/{closed_id}?lang=en").text()
    assert client_request.get(f"/roles/{open_id}").h1 == "Open role"


def test_filters_by_format_time_and_payment_and_update_in_place(app, client_request) -> None:
    publish(app, title="Half-day in person", format="in_person", payment_level="nihr_75")
    publish(app, title="Hour by phone", format="phone", payment_level="nihr_25")
    publish(app, title="Voluntary online", format="online", payment_level="voluntary", recognition="Certificate")
    def titles(query: str) -> list[str]:
        page = client_request.get(f"/roles/?lang=en&{query}")
        return sorted(a.text for a in page.findall(".//ul[@class='card-list']/li/h2/a"))
    assert titles("format=phone") == ["Hour by phone"]
    assert titles("time=half_day&time=short") == ["Half-day in person", "Hour by phone"]
    assert titles("pay=voluntary") == ["Voluntary online"]
    assert titles("pay=paid&format=online") == []
    fragment = client_request.client.get("/roles/?format=phone", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Hour by phone" in fragment and "<h1" not in fragment and 'data-announce="Open roles: 1"' in fragment


def test_role_page_in_easy_read_and_in_the_persons_language(app, client_request) -> None:
    role_id = publish(app)
    with app.app_context():
        from app import db
        from app.roles.models import Role

        service.save_translation(db.session().get(Role, role_id), "cy",
                                 {"title": "Helpwch ni i ailysgrifennu'r daflen argyfwng"}, STAFF)
    english = client_request.get(f"/roles/{role_id}?lang=en&easy-read=off")
    assert english.h1 == COMPLETE["title"]
    assert "We pay £75.00 for your time, including preparation." in english.text()
    assert "Saying no, or stopping at any time, has no effect on your care" in english.text()
    share = [a.get("href") for a in english.findall(".//a") if (a.get("href") or "").startswith("mailto:")]
    assert share and share[0].endswith(f"/roles/{role_id}")
    easy = client_request.get(f"/roles/{role_id}?easy-read=on&lang=en")
    assert len(easy.findall(".//li[@class='easy-read-point']")) == 6 and "Short words." in easy.text()
    welsh = client_request.get(f"/roles/{role_id}?lang=cy&easy-read=off")
    assert welsh.h1 == "Helpwch ni i ailysgrifennu'r daflen argyfwng"
    polish = client_request.get(f"/roles/{role_id}?lang=pl")
    assert polish.h1 == COMPLETE["title"]
    assert polish.find(".//div[@class='callout']") is not None  # "not translated yet" note


def test_the_filters_speak_easy_read(app, client_request) -> None:
    publish(app, title="Open role")
    page = client_request.get("/roles/?lang=en&easy-read=on&pay=paid")
    legends = [" ".join("".join(el.itertext()).split()) for el in page.findall(".//legend")]
    assert legends == ["How do you want to take part?", "How much time does it take?", "Which roles do you want to see?"]
    labels = [" ".join("".join(el.itertext()).split()) for el in page.findall(".//main//label")]
    assert "About 1 hour" in labels and "Only unpaid roles" in labels
    assert [" ".join("".join(b.itertext()).split()) for b in page.findall(".//main//button")] == ["Show roles"]
    standard = client_request.get("/roles/?lang=en&easy-read=off")
    assert "Time it takes" in [" ".join("".join(el.itertext()).split()) for el in standard.findall(".//legend")]


def test_english_words_on_an_arabic_page_say_they_are_english(app, client_request) -> None:
    """A role not yet translated shows in English on an Arabic page; each English bit carries
    lang="en" dir="ltr", so ".leaflet easy to read" becomes "Short words." read left to right."""
    role_id = publish(app, easy_read={s: "Help make a leaflet easy to read." for s in
                                      ("purpose", "tasks", "time", "place", "payment", "support")})
    easy = client_request.get(f"/roles/{role_id}?lang=ar&easy-read=on")
    assert (easy.doc.get("lang"), easy.doc.get("dir")) == ("ar", "rtl")
    h1 = easy.find(".//h1")
    assert (h1.get("lang"), h1.get("dir")) == ("en", "ltr")
    points = easy.findall(".//li[@class='easy-read-point']/p")
    assert len(points) == 6
    assert all((p.get("lang"), p.get("dir"), p.text) == ("en", "ltr", "Help make a leaflet easy to read.")
               for p in points)
    standard = client_request.get(f"/roles/{role_id}?lang=ar&easy-read=off")
    english = [p for p in standard.findall(".//p[@class='pre-line']") if p.text == COMPLETE["purpose"]]
    assert english and english[0].get("lang") == "en" and english[0].get("dir") == "ltr"
    # Arabic words (the page's own) carry nothing extra; a translated field is no longer marked.
    assert all(p.get("lang") is None for p in standard.findall(".//div[@class='callout']/p"))
    with app.app_context():
        from app import db
        from app.roles.models import Role

        service.save_translation(db.session().get(Role, role_id), "ar", {"title": "ساعدنا في إعادة كتابة النشرة"},
                                 STAFF)
    partly = client_request.get(f"/roles/{role_id}?lang=ar&easy-read=off")
    assert partly.h1 == "ساعدنا في إعادة كتابة النشرة" and partly.find(".//h1").get("lang") is None
    assert [p.get("lang") for p in partly.findall(".//p[@class='pre-line']") if p.text == COMPLETE["purpose"]] == ["en"]
    # On an English page the same words are not marked at all.
    assert client_request.get(f"/roles/{role_id}?lang=en").find(".//h1").get("lang") is None


def test_the_contact_phone_is_a_link_and_names_sit_apart(app, client_request) -> None:
    role_id = publish(app)
    page = client_request.get(f"/roles/{role_id}?lang=ur&easy-read=off")
    tel = [a for a in page.findall(".//main//a") if (a.get("href") or "").startswith("tel:")]
    assert [(a.get("href"), a.text, a.get("dir")) for a in tel if a.text == COMPLETE["contact_phone"]] == [
        ("tel:03000000000", "0300 000 0000", "ltr")]
    assert COMPLETE["contact_name"] in [b.text for b in page.findall(".//main//bdi")]


def test_the_interest_form_marks_an_english_role_title_on_an_arabic_page(app, client_request) -> None:
    role_id = publish(app)
    page = client_request.get(f"/roles/{role_id}/interest/who?lang=ar&easy-read=on")
    title = page.find(".//main//p[@class='muted']/bdi")
    assert (title.text, title.get("lang"), title.get("dir")) == (COMPLETE["title"], "en", "ltr")
