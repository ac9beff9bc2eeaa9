"""What the team writes about someone's interest is in that person's "your data" download."""

from __future__ import annotations

from sqlalchemy import select

from app import db
from app.account import data
from app.account.models import Contributor
from app.interests import service
from app.interests.models import Interest
from tests.account.test_details import signed_in
from tests.interests.helpers import published_role, send, walk


def test_a_note_about_someone_is_in_their_export(app) -> None:
    role_id = published_role(app)
    cr, person_id = signed_in(app)
    walk(cr, role_id)
    send(cr, role_id)
    with app.app_context():
        interest = db.session().scalar(select(Interest))
        service.add_note(interest, "Nina said she would like papers in large print", None, ("system", None, "test"))
        person = db.session().get(Contributor, person_id)
        [record] = data.export(person)["interests"]
        assert [n["note"] for n in record["team_notes"]] == ["Nina said she would like papers in large print"]
