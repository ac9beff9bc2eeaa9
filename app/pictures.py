"""Pictures beside easy-read points: one picture for each idea, and one idea for each picture.

Easy read puts a picture beside each point that shows *that* point (Mencap, "Am I making
myself clear?"). A template asks for an idea by name, ``{{ picture("bus") }}`` or the first
item of an ``easy_read_points`` pair, and gets an ``<img>`` of ``static/pictures/<idea>.svg``
with its width and height: a separate file, fingerprinted and cached for a year by
``app.assets`` like every static file, so a page pays for its pictures once.

The pictures are OpenMoji 17.0.0 (CC BY-SA 4.0, https://openmoji.org), made small by
``bench/pictures.py`` from the code point named here; ``easy-read`` and the five feedback
faces are our own drawings. ``static/pictures/LICENSE.txt`` credits them and holds the licence
(the accessibility statement links to it).

A picture sits beside words that say the same thing, so its ``alt`` is empty: a screen reader
would otherwise read each point twice. ``alt`` here is for the rare picture that stands alone
(``picture("yes", meaningful=True)``).

An idea that is not here is a mistake in a template: it fails the page in tests and in
development, and in production the point is shown without a picture (and logged).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, g, url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

#: The folder under ``static/`` that holds one file per idea.
FOLDER = "pictures"
#: What the pictures were made from (``bench/pictures.py`` checks the package says so).
OPENMOJI_VERSION = "17.0.0"


class UnknownPicture(LookupError):
    """A template asked for an idea that has no picture."""


@dataclass(frozen=True)
class Picture:
    """One idea's picture: where it came from, and what it says when it stands alone."""

    source: str  # an OpenMoji code point (its file name in the package), or "" for our own drawing
    alt: Any = ""  # lazy text, only for a picture shown without words beside it
    mirror: bool = False  # it points one way (an arrow): flipped on right-to-left pages


def _om(code: str, alt: Any = "", mirror: bool = False) -> Picture:
    return Picture(code, alt, mirror)


OWN = Picture("")

#: idea -> picture. Several points may share an idea ("We pay you for your time." on five
#: pages is always ``money``); no two ideas share a picture (tests/test_pictures.py).
PICTURES: dict[str, Picture] = {
    # Money and claims
    "money": _om("1F4B7"),  # pound banknote: we pay you
    "claim": _om("1FA99"),  # coin: a claim, asking for money back
    "receipt": _om("1F9FE"),
    "bank": _om("1F3E6"),
    # Getting there, and what it cost
    "travel": _om("1F3AB"),  # ticket: paying to get there
    "bus": _om("1F68D"),
    "train": _om("1F686"),
    "car": _om("1F698"),
    "taxi": _om("1F696"),
    "motorcycle": _om("1F3CD"),
    "bicycle": _om("1F6B2"),
    "parking": _om("1F17F"),
    "food": _om("1F37D"),
    "place": _om("1F4CD"),  # round pushpin: where it happens
    "home": _om("1F3E0"),
    "stay": _om("1F6CF"),  # a bed: somewhere to stay
    "equipment": _om("1F4BB"),  # a laptop: equipment or phone data to take part
    # Time
    "calendar": _om("1F4C5"),  # a day or a date
    "clock": _om("1F552"),  # a time of day, or how long
    "later": _om("23F3"),  # hourglass: not now, later
    "straight-away": _om("26A1"),
    "break": _om("2615"),  # hot drink: take a break
    # Talking to us
    "phone": _om("1F4DE"),
    "text-message": _om("1F4F1"),
    "email": _om("1F4E7"),
    "letter": _om("2709"),
    "contact": _om("1F4C7"),  # card index: how to reach you
    "talk": _om("E246"),  # two people talking
    "speak": _om("1F5E3"),  # speaking head: what you like to be called
    "meeting": _om("E081"),  # a group meeting together
    "feedback": _om("1F4AC"),  # speech balloon: tell us how it went
    "question": _om("2753"),
    "news": _om("1F4E3"),  # megaphone: we tell you what we did
    # People
    "take-part": _om("1F64B"),  # person raising a hand
    "carer": _om("1F9D1-200D-1F91D-200D-1F9D1"),  # people holding hands: someone who helps someone
    "help": _om("E083"),  # helping someone: the help you get
    "staff": _om("1F9D1-200D-1F4BC"),  # office worker: our finance team
    "everyone": _om("E249"),  # people in a circle: all kinds of people
    "anonymous": _om("1F464"),  # a silhouette: no name
    "details": _om("1FAAA"),  # identity card: who you are
    "name": _om("E147"),  # name badge
    "services": _om("1F3E5"),  # hospital: mental health services
    "your-care": _om("1FA7A"),  # stethoscope: your care stays the same
    "skills": _om("1F4AA"),
    "wish": _om("1F4AD"),  # thought balloon: what you would like
    "purpose": _om("1F3AF"),  # target: what the role is for
    "list": _om("1F4CB"),  # clipboard: what you will do, what we will talk about
    "prepare": _om("1F6E0"),  # tools: we get it ready for you
    # Choosing and answering
    "yes": _om("1F44D", alt=_l("Yes")),
    "no": _om("1F44E", alt=_l("No")),
    "stop": _om("1F6D1"),
    "choose": _om("2611"),  # a ticked box: you choose
    "agree": _om("1F91D"),  # handshake
    "skip": _om("23ED"),  # you can leave it out
    "not-say": _om("1F910"),  # zipped mouth: you do not have to tell us
    "private": _om("1F92B"),  # finger to lips: just between us
    "withdraw": _om("21A9", mirror=True),  # arrow turning back
    # Forms
    "form": _om("1F4DD"),
    "check": _om("1F50D"),  # magnifying glass: look carefully
    "change": _om("270F"),  # pencil
    "send": _om("1F4E4"),  # outbox tray
    "received": _om("1F4E5"),  # inbox tray: we got it
    "reference": _om("1F3F7"),  # label
    "once": _om("0031-FE0F-20E3"),  # keycap 1
    "save": _om("1F4BE"),
    "continue": _om("27A1", mirror=True),
    "press": _om("1F446"),  # finger pointing: press it
    "photo": _om("1F4F7"),
    "attach": _om("1F4CE"),  # paperclip: add the photos
    # Keeping things safe
    "safe": _om("1F512"),  # locked padlock
    "delete": _om("1F5D1"),
    "records": _om("1F5C4"),  # file cabinet
    "see": _om("1F440"),
    # Using the website
    "keyboard": _om("2328"),
    "link": _om("1F517"),
    "code": _om("1F522"),  # 1 2 3 4: the numbers in the email
    "no-password": _om("1F513"),  # open padlock
    "language": _om("1F310"),
    "easy-read": OWN,  # the same open book as the easy-read switch
    # Feedback faces, 1 (bad) to 5 (good): our own drawings
    "rating-1": OWN,
    "rating-2": OWN,
    "rating-3": OWN,
    "rating-4": OWN,
    "rating-5": OWN,
}


def filename(idea: str) -> str:
    """``bus`` -> ``pictures/bus.svg`` (relative to ``static/``)."""
    return f"{FOLDER}/{idea}.svg"


def picture(idea: str, size: int = 64, *, meaningful: bool = False) -> Markup:
    """The ``<img>`` for ``idea`` (a Jinja global): decorative unless ``meaningful``."""
    found = PICTURES.get(idea)
    if found is None:
        if current_app.testing or current_app.debug:
            raise UnknownPicture(f"No picture for the idea {idea!r}: add it to app/pictures.py")
        current_app.logger.error("No picture for the idea %r", idea)
        return Markup("")
    if meaningful and not found.alt:
        raise ValueError(f"The picture for {idea!r} has no words to stand alone: give it an alt in app/pictures.py")
    alt = str(found.alt) if meaningful else ""
    css = "picture mirror" if found.mirror else "picture"
    if g.get("drawing_document") and not meaningful:
        # In a PDF (app/documents.py) a decorative picture is a background, not an untitled figure
        # a screen reader would stop at: its stylesheet gives each idea's file (document_css).
        return Markup('<span class="{} picture-{}"></span>').format(css, idea)
    return Markup('<img class="{}" src="{}" alt="{}" width="{}" height="{}">').format(
        css, url_for("static", filename=filename(idea)), alt, size, size)


def document_css() -> str:
    """Each idea's picture as a background, for decorative pictures in printed documents."""
    return "\n".join(f'.picture-{idea} {{ background-image: url("{url_for("static", filename=filename(idea))}"); }}'
                     for idea in PICTURES)


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(picture=picture)
