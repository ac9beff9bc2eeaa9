"""flask commands: create staff, demo data (safe to repeat), keys, migrate."""

from __future__ import annotations

from cryptography.fernet import Fernet
from sqlalchemy import func, select

from app import db
from app.staff.models import StaffUser


def count_staff(app) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session().scalar(select(func.count()).select_from(StaffUser))


def test_create_staff_command(app) -> None:
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["create-staff", "--email", "a@example.org", "--name", "A", "--role", "admin",
                             "--password", "a long enough password"])
    assert ok.exit_code == 0 and "Created admin account" in ok.output
    again = runner.invoke(args=["create-staff", "--email", "A@example.org", "--name", "A", "--role", "admin",
                                "--password", "a long enough password"])
    assert again.exit_code != 0 and "already has an account" in again.output
    short = runner.invoke(args=["create-staff", "--email", "b@example.org", "--name", "B", "--role", "finance",
                                "--password", "short"])
    assert short.exit_code != 0
    assert count_staff(app) == 1


def test_demo_data_is_loaded_once(app) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo-data"])
    second = runner.invoke(args=["demo-data"])
    assert first.exit_code == second.exit_code == 0
    assert "admin@example.org" in first.output and "password:" in first.output
    assert count_staff(app) == 3


def test_generated_keys_are_usable(app) -> None:
    out = app.test_cli_runner().invoke(args=["generate-keys"]).output
    values = dict(line.split("=", 1) for line in out.strip().splitlines())
    assert len(values["SECRET_KEY"]) >= 32
    Fernet(values["DATA_ENCRYPTION_KEY"].encode())


def test_migrate_is_idempotent(app) -> None:
    result = app.test_cli_runner().invoke(args=["migrate"])
    assert result.exit_code == 0 and "up to date" in result.output


def test_demo_data_includes_contributors_and_a_supporter(app) -> None:
    from app.account.models import Contributor, SupportLink

    app.test_cli_runner().invoke(args=["demo-data"])
    output = app.test_cli_runner().invoke(args=["demo-data"]).output
    assert "sam@example.org" in output
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(Contributor)) == 2
        assert db.session().scalar(select(func.count()).select_from(SupportLink)) == 1


def test_demo_data_has_four_published_roles_with_easy_read_one_in_welsh_one_paid_by_the_hour(app) -> None:
    from app.roles import service
    from app.roles.models import Role, RoleTranslation

    app.test_cli_runner().invoke(args=["demo-data"])
    app.test_cli_runner().invoke(args=["demo-data"])
    with app.app_context():
        roles = db.session().scalars(select(Role)).all()
        assert len(roles) == 4 and all(r.status == "published" for r in roles)
        assert all(service.missing_for_publish(r) == [] for r in roles)
        from app.claims.service import card_today

        [local] = [r for r in roles if r.payment_level.startswith("local_")]
        assert card_today().rate(local.payment_level).kind == "hourly"
        assert db.session().scalar(select(func.count()).select_from(RoleTranslation)) == 1


def test_demo_data_gives_staff_an_interest_to_triage_and_an_equality_report(app) -> None:
    from app.interests import service
    from app.interests.equality import QUESTIONS
    from app.interests.models import Interest

    app.test_cli_runner().invoke(args=["demo-data"])
    app.test_cli_runner().invoke(args=["demo-data"])
    with app.app_context():
        [interest] = db.session().scalars(select(Interest)).all()
        assert interest.email == "sam@example.org" and interest.status == "new"
        [month] = service.equality_months()  # given last month, so it can be shown
        report = service.equality_report(QUESTIONS, month, interest.role_id)
        assert report["total"] == 6 and dict(report["questions"]["age"])["25_34"] is None  # 4: hidden


def test_demo_data_has_a_claim_in_every_status(app) -> None:
    from app.claims.models import STATUSES, Claim

    app.test_cli_runner().invoke(args=["demo-data"])
    app.test_cli_runner().invoke(args=["demo-data"])
    with app.app_context():
        assert sorted(db.session().scalars(select(Claim.status)).all()) == sorted(STATUSES)


def test_demo_data_has_a_past_meeting_with_feedback_and_a_published_you_said_we_did(app) -> None:
    from app.meetings import service as meetings
    from app.meetings.models import Meeting

    app.test_cli_runner().invoke(args=["demo-data"])
    app.test_cli_runner().invoke(args=["demo-data"])
    with app.app_context():
        past, soon = db.session().scalars(select(Meeting).where(Meeting.title.in_(  # "your involvement" adds more
            ["Leaflet group: first meeting", "Leaflet group: second meeting"])).order_by(Meeting.starts_at)).all()
        assert meetings.response_count(past) == 3 and meetings.published_for([past.id])
        assert meetings.changes(soon) and meetings.response_count(soon) == 0


def test_demo_data_has_one_advance_asked_for_and_one_approved(app) -> None:
    from app.claims.models import Advance

    app.test_cli_runner().invoke(args=["demo-data"])
    app.test_cli_runner().invoke(args=["demo-data"])
    with app.app_context():
        assert sorted(db.session().scalars(select(Advance.status))) == ["approved", "requested"]


def test_the_mail_worker_keeps_going_when_the_database_is_away_for_a_moment(app, monkeypatch) -> None:
    """`flask send-mail --loop` outlives a database restart (the soak restarts a real one): the
    round that failed is logged and the next one sends what was left."""
    import time

    from sqlalchemy.exc import OperationalError

    from app import mail

    rounds: list[int] = []

    def away_once(limit: int = 100) -> tuple[int, int]:
        rounds.append(1)
        if len(rounds) == 1:
            raise OperationalError("UPDATE outbox_messages", {}, Exception("server closed the connection"))
        return 1, 0

    class Stop(Exception):
        pass

    def sleep(seconds: float) -> None:
        if len(rounds) >= 2:
            raise Stop

    monkeypatch.setattr(mail, "deliver_pending", away_once)
    monkeypatch.setattr(time, "sleep", sleep)
    result = app.test_cli_runner().invoke(args=["send-mail", "--loop", "--interval", "1", "--quiet"])
    assert isinstance(result.exception, Stop) and len(rounds) == 2
    assert "1 sent, 0 not sent" in result.output
