"""Public pages: find an open role, read it (easy read, print, share). No sign-in needed."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from markupsafe import Markup
from sqlalchemy import or_, select

from app import db
from app.htmx import partial
from app.i18n import current_language, easy_read_on
from app.roles import published, service
from app.roles.forms import FORMAT_CHOICES, RoleFilterForm
from app.roles.models import Role

bp = Blueprint("find_roles", __name__, url_prefix="/roles")


@bp.context_processor
def _names() -> dict[str, Any]:
    from app.claims.service import card_today  # the one source of amounts: the card in force today

    amounts: dict[str, Any] = {}

    def pay_words(level: str) -> str:
        """What a role pays for time, in the reader's language, currency format and easy read ("" for
        a voluntary role or a rate not on the card). The card is read when a page shows an amount
        (once a request), not for every page of this blueprint: an error page drawn while the
        database is away must not need it."""
        if "card" not in amounts:
            card = card_today()
            amounts["card"] = {r.code: r for r in card.rates} if card is not None else {}
        rate = amounts["card"].get(level)
        return "" if rate is None else pay_sentence(rate.kind, rate.pence)

    return {"format_names": {c.value: c.label for c in FORMAT_CHOICES}, "pay_words": pay_words}


def pay_sentence(kind: str, pence: int) -> str:
    """"We pay £25.00 for your time", "We pay £18.00 an hour for your time", … in easy read too."""
    from flask_babel import gettext as _

    from app.i18n import er, money, pick

    amount = money(pence)
    if kind == "hourly":
        return pick(_("We pay %(amount)s an hour for your time, including preparation.", amount=amount),
                    er("We pay %(amount)s for each hour of your time.", amount=amount))
    if kind == "session":
        return pick(_("We pay %(amount)s a session for your time, including preparation.", amount=amount),
                    er("We pay %(amount)s for each session.", amount=amount))
    if kind == "task":
        return pick(_("We pay %(amount)s a task for your time, including preparation.", amount=amount),
                    er("We pay %(amount)s for each task.", amount=amount))
    return pick(_("We pay %(amount)s for your time, including preparation.", amount=amount),
                er("We pay %(amount)s for your time.", amount=amount))


TIME_FILTERS = {"short": ("nihr_25",), "half_day": ("nihr_75",), "day": ("nihr_150", "nihr_300")}


def open_roles() -> Any:
    return select(Role).where(Role.status == "published",
                              or_(Role.closing_date.is_(None), Role.closing_date >= date.today()))


@bp.get("/")
def index():  # type: ignore[no-untyped-def]
    form = RoleFilterForm(formdata=request.args)
    formats = [f for f in request.args.getlist("format") if f in ("in_person", "online", "phone", "mixed")]
    times = [t for t in request.args.getlist("time") if t in TIME_FILTERS]
    pay = request.args.get("pay", "")
    if not form.pay.data:
        form.pay.data = ""
    key = ("list", tuple(sorted(set(formats))), tuple(sorted(set(times))), pay if pay in ("paid", "voluntary") else "")
    results = published.kept(key, lambda: published.fragment("roles/_public_results.html",
                                                             cards=_open_cards(formats, times, pay)))
    if partial():
        return results
    return render_template("roles/public_index.html", results=results, form=form)


def _open_cards(formats: list[str], times: list[str], pay: str) -> list[tuple[Role, dict[str, Any]]]:
    """The open roles that match the filters, with their words in the reader's language."""
    query = open_roles()
    if formats:
        query = query.where(Role.format.in_(formats))
    if times:
        query = query.where(Role.payment_level.in_([code for t in times for code in TIME_FILTERS[t]]))
    if pay == "paid":
        query = query.where(Role.payment_level != "voluntary")
    elif pay == "voluntary":
        query = query.where(Role.payment_level == "voluntary")
    roles = db.session().scalars(query.order_by(Role.closing_date, Role.id)).all()
    return service.in_language_many(list(roles), current_language())


@bp.get("/<int:role_id>")
def show(role_id: int):  # type: ignore[no-untyped-def]
    role = db.session().get(Role, role_id)
    if role is None or role.status not in ("published", "closed"):
        abort(404)
    closed = role.status == "closed" or bool(role.closing_date and role.closing_date < date.today())

    def draw() -> tuple[str, Markup, Markup]:
        words, translated = service.in_language(role, current_language())
        share_url = current_app.config["SETTINGS"].base_url + url_for("find_roles.show", role_id=role.id)
        from app.involvement import service as involvement  # what changed because people took part

        shown = dict(role=role, words=words, untranslated=current_language() != "en" and not translated,
                     closed=closed, share_url=share_url, easy=easy_read_on(),
                     impact=involvement.impact_for_role(role.id, published_only=True))
        return (words["title"], published.fragment("roles/_public_role.html", **shown),
                published.fragment("roles/_public_role_contact.html", **shown))

    title, role_words, role_contact = published.kept(("role", role.id), draw)
    from app.meetings import service as meetings  # closing the loop: what changed after its meetings

    # "You said, we did" is drawn for each request: it is published on a meeting, not a role
    return render_template("roles/public_show.html", title=title, role_words=role_words, role_contact=role_contact,
                           you_said=meetings.published_for_role(role), in_language=meetings.in_language,
                           language=current_language())


@bp.get("/<int:role_id>/role.pdf")
def document(role_id: int):  # type: ignore[no-untyped-def]
    """The role as a PDF to print or keep, in the reader's language and easy read choice, with how to
    say you are interested by phone or by post. Kept with the role's page (app/roles/published.py)."""
    from app import documents

    role = db.session().get(Role, role_id)
    if role is None or role.status not in ("published", "closed"):
        abort(404)
    closed = role.status == "closed" or bool(role.closing_date and role.closing_date < date.today())

    def draw() -> bytes:
        words, translated = service.in_language(role, current_language())
        settings = current_app.config["SETTINGS"]
        shown = dict(role=role, words=words, untranslated=current_language() != "en" and not translated,
                     closed=closed, easy=easy_read_on(),
                     share_url=settings.base_url + url_for("find_roles.show", role_id=role.id),
                     address_lines=[line.strip() for line in settings.organisation_address.split(",") if line.strip()])
        return documents.render("documents/role.html", shown, current_language(), easy_read_on())

    pdf = published.kept(("role.pdf", role.id), draw)
    name = f"role-{role.id}{'-easy-read' if easy_read_on() else ''}-{current_language()}.pdf"
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}"'})
