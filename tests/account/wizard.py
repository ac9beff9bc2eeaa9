"""A two-page form used only by tests, built the way a room builds one on drafts.

Each page saves as it is submitted (even with errors) and when htmx reports a
change; the last page submits the draft, which gets a reference and an email.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired

from app.account import drafts
from app.account.routes import who
from app.db import utcnow
from app.htmx import partial
from app.security import contributor_required, current_contributor

bp = Blueprint("wizard", __name__, template_folder="templates")

PAGES = ["about", "details"]


class AboutForm(FlaskForm):
    topic = StringField("What is it about?", validators=[InputRequired("Enter what it is about")])


class DetailsForm(FlaskForm):
    notes = TextAreaField("Anything else?")


FORMS = {"about": AboutForm, "details": DetailsForm}

drafts.register_kind("test_wizard", lambda: "A test form",
                     lambda d: url_for("wizard.page", public_id=d.public_id, page=d.page or "about"))


@bp.route("/_test/wizard/<public_id>/<page>", methods=["GET", "POST"])
@contributor_required
def page(public_id: str, page: str):  # type: ignore[no-untyped-def]
    draft = drafts.find(public_id, current_contributor())
    if draft is None or page not in FORMS:
        abort(404)
    form = FORMS[page](data=None if request.method == "POST" else draft.data.get(page, {}))
    if request.method == "POST":
        typed = {name: field.data for name, field in form._fields.items() if name != "csrf_token"}
        drafts.save_page(draft, page, typed)  # never lose what was typed, valid or not
        if partial():
            return render_template("components/save_status.html", time=utcnow().strftime("%H:%M"))
        if form.validate():
            if page == PAGES[-1]:
                reference = drafts.submit(draft, who())
                return redirect(url_for("account.your_forms", done=reference))
            return redirect(url_for("wizard.page", public_id=public_id, page=PAGES[PAGES.index(page) + 1]))
    return render_template("wizard.html", form=form, draft=draft, page=page)
