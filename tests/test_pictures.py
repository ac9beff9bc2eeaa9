"""Easy-read pictures: each point shows the picture of its own idea, and each picture means one idea.

The registry is app/pictures.py; the files are static/pictures/ (bench/pictures.py makes them
from OpenMoji). What a reader notices: the picture beside "You can use a keyboard" is a
keyboard, not the tick that used to stand for 26 different things; pictures are small files
their phone keeps; the accessibility statement says where they come from.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from flask import Flask, render_template_string

from app.pictures import FOLDER, PICTURES, UnknownPicture, filename
from app.settings import ROOT
from tests.account.test_details import signed_in
from tests.conftest import ClientRequest

PICTURE_FOLDER = ROOT / "static" / FOLDER
#: Each file is one small drawing (OpenMoji's are 1-2 KB once made small; a page may show six).
LARGEST = 2_500
SVG = "{http://www.w3.org/2000/svg}"
SAFE_ELEMENTS = {"svg", "g", "path", "circle", "ellipse", "line", "polyline", "polygon", "rect"}
SAFE_ATTRIBUTES = {
    "xmlns", "viewBox", "width", "height", "d", "points", "x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r",
    "rx", "ry", "transform", "fill", "fill-rule", "fill-opacity", "stroke", "stroke-width", "stroke-linecap",
    "stroke-linejoin", "stroke-miterlimit", "stroke-dasharray", "stroke-opacity", "opacity", "clip-rule",
}


def points(page) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(picture file, words) for each easy-read point on a page."""
    found = []
    for item in page.findall(".//li[@class='easy-read-point']"):
        img = item.find("img")
        found.append((img.get("src").split("?")[0].rsplit("/", 1)[1], "".join(item.find("p").itertext())))
    return found


def test_each_point_shows_the_picture_of_what_it_says(client_request: ClientRequest) -> None:
    page = client_request.get("/accessibility?easy-read=on")
    shown = dict((words, file) for file, words in points(page))
    assert shown["You can use a keyboard or a screen reader."] == "keyboard.svg"
    assert shown["You can read pages in your language."] == "language.svg"
    assert shown["We want everyone to be able to use this website."] == "everyone.svg"
    home = points(client_request.get("/?easy-read=on"))
    assert len({file for file, _ in home}) == len(home) >= 5  # six different points, six different pictures
    for img in page.findall(".//li[@class='easy-read-point']/img"):
        # Beside words that say the same thing: decorative, and its size known before it arrives.
        assert img.get("alt") == "" and img.get("width") == img.get("height") == "64"


def test_a_picture_is_a_small_file_the_phone_keeps_for_a_year(client_request: ClientRequest) -> None:
    page = client_request.get("/accessibility?easy-read=on")
    src = page.find(".//li[@class='easy-read-point']/img").get("src")
    name = src.split("?")[0].removeprefix("/static/")
    assert src == f"/static/{name}?v={hashlib.sha256((ROOT / 'static' / name).read_bytes()).hexdigest()[:12]}"
    response = client_request.client.get(src, headers={"Accept-Encoding": "br, gzip"})
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["Content-Encoding"] == "br" and len(response.get_data()) < 1_000
    assert "img-src 'self'" in client_request.client.get("/").headers["Content-Security-Policy"]


def test_choices_show_pictures_in_easy_read_only(app: Flask) -> None:
    cr, _ = signed_in(app)
    easy = cr.get("/account/details/contact?easy-read=on")
    labels = {"".join(label.itertext()).strip(): label.find("img") for label in easy.findall(".//label")}
    assert "/static/pictures/letter.svg?" in labels["Letter in the post"].get("src")
    assert "/static/pictures/text-message.svg?" in labels["Text message"].get("src")
    plain = cr.get("/account/details/contact?easy-read=off")
    assert not plain.findall(".//label/img")


def test_the_accessibility_statement_credits_the_pictures(client_request: ClientRequest) -> None:
    for mode in ("off", "on"):
        page = client_request.get(f"/accessibility?easy-read={mode}")
        assert "OpenMoji" in page.text()
        link = next(a for a in page.findall(".//main//a") if "pictures/LICENSE.txt" in a.get("href", ""))
        licence = client_request.client.get(link.get("href")).get_data(as_text=True)
        assert "CC BY-SA 4.0" in licence and "Attribution-ShareAlike 4.0 International" in licence


def test_no_picture_stands_for_two_ideas() -> None:
    sources = [p.source for p in PICTURES.values() if p.source]
    assert len(sources) == len(set(sources)), "two ideas are drawn from the same OpenMoji picture"
    contents = {}
    for idea in PICTURES:
        digest = hashlib.sha256((ROOT / "static" / filename(idea)).read_bytes()).hexdigest()
        assert digest not in contents, f"{idea!r} and {contents.get(digest)!r} are the same picture"
        contents[digest] = idea


@pytest.mark.parametrize("idea", sorted(PICTURES))
def test_every_picture_is_a_small_plain_svg(idea: str) -> None:
    path = ROOT / "static" / filename(idea)
    data = path.read_bytes()
    assert len(data) <= LARGEST, f"{path.name} is {len(data)} bytes: make it smaller (bench/pictures.py)"
    root = ET.fromstring(data)
    assert root.tag == f"{SVG}svg" and root.get("viewBox"), f"{path.name} is not an SVG with a viewBox"
    for element in root.iter():
        tag = element.tag.removeprefix(SVG)
        assert tag in SAFE_ELEMENTS, f"{path.name} has <{tag}>: only plain shapes (no scripts, styles, links)"
        unknown = set(element.attrib) - SAFE_ATTRIBUTES
        assert not unknown, f"{path.name} <{tag}> has {unknown}"
    assert b"<!--" not in data and b"<?xml" not in data


def test_every_file_in_the_folder_is_an_idea() -> None:
    files = {path.name for path in PICTURE_FOLDER.glob("*.svg")}
    assert files == {Path(filename(idea)).name for idea in PICTURES}


def _asked_for(template: str) -> set[str]:
    """The ideas a template names: easy-read points, ``picture(...)`` calls and picture maps."""
    ideas = set(re.findall(r'\(\s*"([a-z0-9-]+)",\s*(?:ern?\(|words\.)', template))
    ideas |= set(re.findall(r'picture\(\s*"([a-z0-9-]+)"', template))
    for mapping in re.findall(r'(?:pictures=|set [A-Z_]+ = )(\{[^}]*\})', template):
        ideas |= set(re.findall(r':\s*"([a-z0-9-]+)"', mapping))
    return ideas


def test_every_picture_a_template_asks_for_is_registered() -> None:
    asked: dict[str, set[str]] = {}
    for path in (ROOT / "templates").rglob("*.html"):
        for idea in _asked_for(path.read_text()):
            asked.setdefault(idea, set()).add(str(path.relative_to(ROOT)))
    assert len(asked) > 50  # the scan still finds the points
    unknown = {idea: sorted(where) for idea, where in asked.items() if idea not in PICTURES}
    assert not unknown, f"ideas with no picture in app/pictures.py: {unknown}"


def test_an_unknown_idea_fails_the_page_in_tests(app: Flask) -> None:
    with app.test_request_context():
        with pytest.raises(UnknownPicture, match="no-such-idea"):
            render_template_string('{{ picture("no-such-idea") }}')
        app.testing = False  # in production the words are shown without a picture
        try:
            assert render_template_string('{{ picture("no-such-idea") }}') == ""
        finally:
            app.testing = True


def test_a_picture_can_stand_alone_only_with_its_own_words(app: Flask) -> None:
    with app.test_request_context("/?lang=pl"):
        assert 'alt="Tak"' in render_template_string('{{ picture("yes", 40, meaningful=True) }}')
        with pytest.raises(ValueError):
            render_template_string('{{ picture("bus", meaningful=True) }}')


def test_an_arrow_points_the_way_the_page_reads(app: Flask) -> None:
    with app.test_request_context():
        assert 'class="picture mirror"' in render_template_string('{{ picture("continue") }}')
        assert 'class="picture"' in render_template_string('{{ picture("bus") }}')
    assert '[dir="rtl"] .picture.mirror' in (ROOT / "static/css/site.css").read_text()


def test_an_expense_shows_what_it_was_for_in_easy_read(app: Flask) -> None:
    page = ('{% from "claims/_expense_picture.html" import expense_picture %}'
            '{{ expense_picture(bus) }}|{{ expense_picture(bike) }}|{{ expense_picture(other) }}')
    lines = {"bus": {"kind": "public_transport"}, "bike": {"kind": "mileage", "vehicle": "bicycle"},
             "other": {"kind": "other"}}
    with app.test_request_context("/?easy-read=on"):
        bus, bike, other = render_template_string(page, **lines).split("|")
        assert "pictures/bus.svg" in bus and "pictures/bicycle.svg" in bike and other == ""
    with app.test_request_context("/?easy-read=off"):
        assert render_template_string(page, **lines) == "||"
