"""Printable documents (app/documents.py): PDFs in every language and easy read, read back as text.

Each PDF is read the way a person or a screen reader gets it: ``pdftotext`` (poppler) gives its
words in reading order, ``pdfinfo`` its page count and PDF/UA tagging, and ``pdftoppm`` draws its
pages (a PDF that fails to draw fails here). Arabic is checked in logical order: a known phrase
comes out as it was typed, not reversed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from app.roles import service
from tests.roles.test_public_pages import publish
from tests.roles.test_role_service import STAFF



@pytest.fixture(autouse=True)
def _poppler() -> None:
    """Documents are read back with poppler's tools (`make test` installs them): without them these
    tests fail, saying what to install, rather than skip."""
    missing = [tool for tool in ("pdftotext", "pdfinfo", "pdftoppm") if shutil.which(tool) is None]
    assert not missing, f"{missing} missing: run 'apt-get install -y poppler-utils' (make test does, as root)"

ARABIC_TITLE = "ساعدنا في إعادة كتابة نشرة الأزمات"
WELSH_TITLE = "Helpwch ni i ailysgrifennu'r daflen argyfwng"


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def pdf_info(pdf: bytes, tmp_path: Path) -> dict[str, str]:
    path = tmp_path / "info.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in out.splitlines())}


def drawn_pages(pdf: bytes, tmp_path: Path) -> int:
    path = tmp_path / "draw.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(path), str(tmp_path / "page")], check=True,
                   capture_output=True)
    return len(list(tmp_path.glob("page*.png")))


def coloured_pixels(pdf: bytes, tmp_path: Path) -> int:
    """How many pixels of the first page are clearly coloured (not black, grey or white)."""
    from PIL import Image

    path = tmp_path / "colour.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-singlefile", "-r", "50", str(path), str(tmp_path / "colour")], check=True)
    image = Image.open(tmp_path / "colour.png").convert("RGB")
    data = image.tobytes()
    return sum(1 for i in range(0, len(data), 3) if max(data[i:i + 3]) - min(data[i:i + 3]) > 60)


def flat(text: str) -> str:
    return " ".join(text.split())


def role_with_translations(app) -> int:  # type: ignore[no-untyped-def]
    role_id = publish(app)
    with app.app_context():
        from app import db
        from app.roles.models import Role

        role = db.session().get(Role, role_id)
        service.save_translation(role, "cy", {"title": WELSH_TITLE}, STAFF)
        service.save_translation(role, "ar", {"title": ARABIC_TITLE}, STAFF)
    return role_id


def test_a_role_prints_in_english_with_how_to_say_yes_by_phone_or_post(app, client_request, tmp_path) -> None:
    role_id = role_with_translations(app)
    page = client_request.get(f"/roles/{role_id}?lang=en&easy-read=off")
    link = next(a for a in page.findall(".//a") if a.text == "Print or save this role (PDF)")  # noqa: E501
    response = client_request.client.get(link.get("href"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = response.get_data()
    text = flat(pdf_text(pdf, tmp_path))
    assert "Help us rewrite the crisis leaflet" in text or "What the role is for" in text
    assert "What the role is for" in text and "Payment and expenses" in text
    assert "How to say you are interested" in text
    assert "By phone: call" in text and "0300 000 0000" in text
    assert "1 Example Street" in text and "LS1 4AP" in text
    # reading order: the role's words come before how to reply
    assert text.index("What the role is for") < text.index("Payment and expenses") < text.index("How to say you are interested")
    info = pdf_info(pdf, tmp_path)
    assert info["Tagged"] == "yes" and 1 <= int(info["Pages"]) <= 3
    assert "Take Part" in info["Title"]
    assert drawn_pages(pdf, tmp_path) == int(info["Pages"])


def test_a_role_prints_in_easy_read_with_its_pictures(app, client, tmp_path, caplog) -> None:
    role_id = role_with_translations(app)
    pdf = client.get(f"/roles/{role_id}/role.pdf?lang=en&easy-read=on").get_data()
    text = flat(pdf_text(pdf, tmp_path))
    assert "Short words." in text  # the role's easy-read words
    assert "How to tell us you want to do this role" in text
    assert "You can send us a letter." in text
    assert "What the role is for" not in text  # the standard headings are not there
    info = pdf_info(pdf, tmp_path)
    assert info["Tagged"] == "yes" and 1 <= int(info["Pages"]) <= 4
    assert not [r for r in caplog.records if r.name == "weasyprint" and r.levelname in ("WARNING", "ERROR")]
    # each point has its picture, drawn from our own files as a background (no figure without words)
    assert "has no required alt" not in caplog.text and "Failed to load" not in caplog.text
    assert coloured_pixels(pdf, tmp_path) > 300  # the pictures are drawn (the words are black on white)
    with app.test_request_context():
        from app import documents

        html = documents.html("documents/base.html", {}, "en", True)
    assert 'class="easy-read"' in html
    assert "Short words." in text
    assert drawn_pages(pdf, tmp_path) == int(info["Pages"])


def test_a_role_prints_in_welsh_and_arabic_right_to_left(app, client, tmp_path) -> None:
    role_id = role_with_translations(app)
    welsh = flat(pdf_text(client.get(f"/roles/{role_id}/role.pdf?lang=cy&easy-read=off").get_data(), tmp_path))
    assert WELSH_TITLE in welsh
    arabic_pdf = client.get(f"/roles/{role_id}/role.pdf?lang=ar&easy-read=off").get_data()
    arabic = flat(pdf_text(arabic_pdf, tmp_path))
    assert ARABIC_TITLE in arabic  # logical order: the phrase reads as typed
    assert "0300 000 0000" in arabic
    info = pdf_info(arabic_pdf, tmp_path)
    assert info["Tagged"] == "yes" and int(info["Pages"]) >= 1
    assert drawn_pages(arabic_pdf, tmp_path) == int(info["Pages"])
    with app.test_request_context():
        from app import documents

        html = documents.html("documents/base.html", {}, "ar", False)
        assert re.search(r'<html lang="ar" dir="rtl">', html)
        urdu = documents.html("documents/base.html", {}, "ur", True)
        assert 'lang="ur" dir="rtl"' in urdu and 'class="easy-read"' in urdu


def test_a_document_never_reaches_the_network(app) -> None:
    with app.test_request_context():
        from app import documents

        fetch = documents._fetcher()
        with pytest.raises(documents.RefuseNetwork):
            fetch.fetch("https://fonts.example.com/font.woff2")
        with pytest.raises(documents.RefuseNetwork):
            fetch.fetch("http://127.0.0.1:5000/static/../../etc/passwd")
        assert fetch.fetch("http://127.0.0.1:5000/static/pictures/bus.svg?v=1").read().startswith(b"<svg")


def test_an_unpublished_role_has_no_document(app, client) -> None:
    with app.app_context():
        from tests.roles.test_role_service import COMPLETE

        draft = service.create(COMPLETE | {"title": "Draft"}, STAFF)
        draft_id = draft.id
    assert client.get(f"/roles/{draft_id}/role.pdf").status_code == 404


def test_a_meeting_pack_has_the_agenda_questions_directions_and_who_to_ask(app, tmp_path) -> None:
    from tests.conftest import ClientRequest
    from tests.meetings.test_meeting_pages import FORM, arranged

    meeting, officer = arranged(app, [], hours_ago=-48)  # two days from now
    staff_page = officer.get(f"/staff/meetings/{meeting.id}?lang=en")
    link = next(a.get("href") for a in staff_page.findall(".//a") if a.text == "Print the meeting pack (PDF)")
    assert link.endswith(f"/m/{meeting.code}/pack.pdf")
    person = ClientRequest(app.test_client())
    page = person.get(f"/m/{meeting.code}?lang=en")
    assert any(a.text == "Print or save the meeting pack (PDF)" for a in page.findall(".//a"))
    english_pdf = person.client.get(f"/m/{meeting.code}/pack.pdf?lang=en&easy-read=off").get_data()
    english = flat(pdf_text(english_pdf, tmp_path))
    for words in (FORM["title"], "What will happen", FORM["agenda"], "The questions we will ask", FORM["questions"],
                  "How to get there", "Room 2, Main Street", "Who to ask for help", "0300 000 0000"):
        assert words in english, words
    assert english.index("What will happen") < english.index("The questions we will ask") < english.index(
        "How to get there") < english.index("Who to ask for help")
    info = pdf_info(english_pdf, tmp_path)
    assert info["Tagged"] == "yes" and int(info["Pages"]) in (1, 2)
    assert drawn_pages(english_pdf, tmp_path) == int(info["Pages"])
    easy = flat(pdf_text(person.client.get(f"/m/{meeting.code}/pack.pdf?lang=en&easy-read=on").get_data(), tmp_path))
    assert "You can take a break or leave at any time." in easy and FORM["questions"] in easy
    welsh = flat(pdf_text(person.client.get(f"/m/{meeting.code}/pack.pdf?lang=cy").get_data(), tmp_path))
    assert FORM["agenda"] in welsh and "What will happen" not in welsh  # its headings are in Welsh
    arabic_pdf = person.client.get(f"/m/{meeting.code}/pack.pdf?lang=ar&easy-read=off").get_data()
    arabic = flat(pdf_text(arabic_pdf, tmp_path))
    assert "ما الذي سيحدث" in arabic  # "What will happen", in logical order
    # The team's English words, marked as English (lang="en" dir="ltr"); where pdftotext puts the
    # question mark of a left-to-right line on a right-to-left page is its own guess.
    assert FORM["questions"].rstrip("?") in arabic


def test_staff_print_a_paper_claim_form_filled_in_with_the_person_and_the_meeting(app, tmp_path) -> None:
    from tests.meetings.test_meeting_pages import FORM, arranged
    from tests.account.test_details import signed_in

    _, person_id = signed_in(app)
    with app.app_context():
        from app import db
        from app.account.models import Contributor

        person = db.session().get(Contributor, person_id)
        person.name, person.address, person.phone, person.language = (
            "Sam Jones", "4 Park Road\nLeeds\nLS2 9JT", "+447700900982", "cy")
        db.session().commit()
    meeting, officer = arranged(app, [person_id])
    record = officer.get(f"/staff/contributors/{person_id}?lang=en")
    link = next(a.get("href") for a in record.findall(".//a")
                if (a.text or "").startswith("Paper claim form"))
    response = officer.client.get(link)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    welsh = flat(pdf_text(response.get_data(), tmp_path))  # in the person's language (Welsh)
    for words in ("Sam Jones", "4 Park Road", "LS2 9JT", "07700 900982", FORM["title"], "1 Example Street"):
        assert words in welsh, words
    english_pdf = officer.client.get(link + "?lang=en").get_data()
    english = flat(pdf_text(english_pdf, tmp_path))
    assert "Your details" in english and "Your time" in english and "Travel and other costs" in english
    assert "Sign here" in english and english.index("Your details") < english.index("Sign here")
    info = pdf_info(english_pdf, tmp_path)
    assert info["Tagged"] == "yes" and int(info["Pages"]) in (1, 2)
    assert drawn_pages(english_pdf, tmp_path) == int(info["Pages"])
    arabic = flat(pdf_text(officer.client.get(link + "?lang=ar").get_data(), tmp_path))
    assert "Sam Jones" in arabic and FORM["title"] in arabic
    # nobody but the team prints someone's details
    from tests.conftest import ClientRequest

    assert ClientRequest(app.test_client()).client.get(link).status_code in (302, 303, 401, 403, 404)
