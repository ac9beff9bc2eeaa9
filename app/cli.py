"""``flask`` commands: migrate, staff accounts, demo data, mail, keys, retention."""

from __future__ import annotations

import secrets

import click
from flask import Flask, current_app
from sqlalchemy import select

from app import db


def init_app(app: Flask) -> None:
    @app.cli.command("migrate")
    def migrate() -> None:
        """Bring the database schema up to date (Alembic ``upgrade head``)."""
        db.upgrade(current_app.config["DATABASE_URL"])
        click.echo("Database is up to date.")

    @app.cli.command("create-staff")
    @click.option("--email", prompt=True)
    @click.option("--name", prompt=True)
    @click.option("--role", type=click.Choice(["admin", "officer", "finance"]), prompt=True)
    @click.password_option(help="At least 12 characters.")
    def create_staff(email: str, name: str, role: str, password: str) -> None:
        """Create a staff account."""
        from app.staff import service

        if len(password) < service.MIN_PASSWORD_LENGTH:
            raise click.BadParameter("must be at least 12 characters", param_hint="password")
        if service.find_by_email(email):
            raise click.ClickException(f"{email} already has an account")
        service.create_staff(name, email, role, password)
        click.echo(f"Created {role} account for {email}.")

    @app.cli.command("demo-data")
    def demo_data() -> None:
        """Load demo records once (safe to run again); prints demo sign-in details. Never in production."""
        if app.config["SETTINGS"].production:
            raise click.ClickException("demo-data refuses to run in production: it makes staff accounts with a "
                                       "published password and made-up people.")
        from app.staff import service
        from app.staff.models import StaffUser

        demo = [
            ("admin@example.org", "Ada Admin", "admin"),
            ("officer@example.org", "Olu Officer", "officer"),
            ("finance@example.org", "Fin Finance", "finance"),
        ]
        password = "takepart-demo-password"
        for email, name, role in demo:
            if db.session().scalar(select(StaffUser).where(StaffUser.email == email)) is None:
                service.create_staff(name, email, role, password)
        click.echo("Demo staff accounts (sign in at /staff/sign-in):")
        for email, _name, role in demo:
            click.echo(f"  {role:8} {email}  password: {password}")
        _demo_contributors()
        from app.roles import demo as demo_roles

        demo_roles.load()
        from app.interests import demo as demo_interests

        demo_interests.load()
        from app.claims import demo as demo_claims

        demo_claims.load()
        from app.meetings import demo as demo_meetings

        demo_meetings.load()
        from app.involvement import demo as demo_involvement

        demo_involvement.load()
        click.echo("Demo contributors sign in at /account/sign-in with sam@example.org or chris@example.org;")
        click.echo(f"  the sign-in email is written to {current_app.config['SETTINGS'].mail_outbox}/ (newest file).")

    def _demo_contributors() -> None:
        from app.account import service as accounts
        from app.account.models import SupportLink
        from app.db import utcnow

        if accounts.find_by_email("sam@example.org") is not None:
            return
        system = ("system", None, "demo data")
        sam = accounts.create_by_staff({"name": "Sam Example", "email": "sam@example.org", "phone": "07700 900 982",
                                        "contact_channel": "email", "language": "en", "easy_read": True},
                                       system, staff_id=None)
        accounts.update_profile(sam, {"known_as": "Sam", "access_needs": ["documents_in_advance", "breaks"],
                                      "payment_preference": "paid"}, by=system)
        chris = accounts.create_by_staff({"name": "Chris Carer", "email": "chris@example.org", "phone": "",
                                          "contact_channel": "email", "language": "cy", "easy_read": False},
                                         system, staff_id=None)
        now = utcnow()
        db.session().add(SupportLink(contributor_id=sam.id, supporter_id=chris.id, relationship="carer",
                                     can_fill_forms=True, can_see_claims=True, can_reply_queries=True,
                                     can_receive_emails=False, consent_how="in_writing", consent_at=now,
                                     consent_recorded_by="demo data", created_at=now, confirmed_at=now))
        db.session().commit()

    @app.cli.command("send-test-email")
    @click.argument("to")
    def send_test_email(to: str) -> None:
        """Send a test message to check the mail settings."""
        from app import mail

        msg = mail.send_now(to, "Take Part test message", "This is a test message from Take Part.")
        if msg.sent_at is None:
            raise click.ClickException(f"not sent: {msg.last_error}")
        click.echo(f"Sent test message {msg.id} to {to}.")

    @app.cli.command("send-mail")
    @click.option("--loop", is_flag=True, help="Keep running, checking every --interval seconds.")
    @click.option("--interval", default=30, show_default=True)
    @click.option("--quiet", is_flag=True, help="Say nothing when there was nothing to send.")
    def send_mail(loop: bool, interval: int, quiet: bool) -> None:
        """Deliver queued email that is due (retries back off after failures)."""
        import time

        from app import mail

        while True:
            try:
                sent, failed = mail.deliver_pending()
            except Exception:  # noqa: BLE001 - a database away for a moment must not stop the worker
                if not loop:
                    raise
                app.logger.exception("sending mail failed; trying again in %s s", interval)
            else:
                if sent or failed or not quiet:
                    click.echo(f"{sent} sent, {failed} not sent")
            db.session().close()
            if not loop:
                break
            time.sleep(interval)

    @app.cli.command("mail-status")
    def mail_status() -> None:
        """For monitoring: exits 1 when a message has waited over 5 minutes without being sent."""
        from app import mail

        late = mail.late()
        click.echo(f"{late} message(s) waiting more than {mail.LATE_MINUTES} minutes")
        if late:
            raise SystemExit(1)

    @app.cli.command("rotate-keys")
    def rotate_keys() -> None:
        """Re-encrypt stored bank details with the first DATA_ENCRYPTION_KEY."""
        from app.account import service

        count = service.rotate_encryption()
        click.echo(f"Re-encrypted {count} record(s) with the newest key.")

    @app.cli.command("retention")
    def retention() -> None:
        """Delete records past their retention period (safe to run daily; audited)."""
        from app.account import data

        counts = data.apply_retention()
        click.echo(", ".join(f"{name}: {count} removed" for name, count in counts.items()))

    @app.cli.command("remind-drafts")
    def remind_drafts() -> None:
        """Email people whose unfinished forms will soon be deleted (run daily)."""
        from app import mail
        from app.account import drafts

        count = drafts.send_reminders()
        sent, failed = mail.deliver_pending()
        click.echo(f"{count} reminder(s) queued; {sent} sent, {failed} not sent")

    @app.cli.command("generate-keys")
    def generate_keys() -> None:
        """Print a new SECRET_KEY and DATA_ENCRYPTION_KEY for production."""
        from cryptography.fernet import Fernet

        click.echo(f"SECRET_KEY={secrets.token_urlsafe(48)}")
        click.echo(f"DATA_ENCRYPTION_KEY={Fernet.generate_key().decode()}")
