"""A two-step form used only by tests: the journey engine's own test journey.

It is built the way a room builds one (``app.journeys``): each step saves what was typed as
it is submitted (even with errors) and when htmx reports a change; the last step sends the
draft, which gets a reference and an email.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, abort, redirect, url_for
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired

from app import access, audit, db, journeys, mail
from app.account import drafts
from app.account.models import Contributor
from app.forms import Form
from app.plugs import plugs
from app.security import contributor_required, current_contributor

bp = Blueprint("wizard", __name__, template_folder="templates")


class AboutForm(Form):
    topic = StringField("What is it about?", validators=[InputRequired("Enter what it is about")])


class DetailsForm(Form):
    notes = TextAreaField("Anything else?")


def _send(visit: journeys.Visit) -> Any:
    """Mark the draft sent with a reference, audit it, email the owner: one commit."""
    draft = visit.draft
    reference = drafts.mark_submitted(draft)
    audit.record("form.submitted", "contributor", draft.subject_id, actor=access.acting(),
                 after={"kind": draft.kind, "reference": reference, "filled_in_by": draft.owner_id})
    owner, subject = db.session().get(Contributor, draft.owner_id), db.session().get(Contributor, draft.subject_id)
    if owner is not None and owner.email:
        mail.compose("form_received", to=owner.email, locale=owner.language, easy_read=owner.easy_read,
                     purpose="form_received", contributor_id=owner.id, title=draft.title, reference=reference,
                     on_behalf_of=subject.display_name if subject and subject.id != owner.id else None)
    db.session().commit()
    return redirect(url_for("account.your_forms", done=reference))


JOURNEY = journeys.Journey(
    kind="test_wizard",
    steps=[journeys.Step("about", AboutForm, "wizard.html", title=lambda: "Say what it is about"),
           journeys.Step("details", DetailsForm, "wizard.html", check=True)],
    url=lambda visit, step: url_for("wizard.page", public_id=visit.draft.public_id, page=step),
    submit=_send)



def init_app(app: Flask) -> None:
    """Plugged in the way a room is (``app.plugs``), on the apps of the tests that use it."""
    app.register_blueprint(bp)
    plugs(app).form("test_wizard", lambda: "A test form",
                    lambda d: url_for("wizard.page", public_id=d.public_id, page=d.page or "about"))


@bp.route("/_test/wizard/<public_id>/<page>", methods=["GET", "POST"])
@contributor_required
def page(public_id: str, page: str):  # type: ignore[no-untyped-def]
    draft = drafts.find(public_id, current_contributor())
    if draft is None:
        abort(404)
    return journeys.handle(journeys.Visit(JOURNEY, draft, current_contributor()), page)
