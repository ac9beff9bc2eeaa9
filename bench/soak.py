"""Load and fault test: many people sending forms at once while PostgreSQL restarts.

Starts a throwaway PostgreSQL (``initdb``/``pg_ctl`` on loopback, a temporary directory),
migrates and seeds it, serves Take Part with gunicorn (2 x cores workers), then runs
``SOAK_SUBMITTERS`` (default 50) simulated people at once, each sending ``SOAK_ROUNDS``
(default 2) of: an expression of interest (not signed in), a claim with one receipt
(signed in) and anonymous feedback on a meeting. Part way through, PostgreSQL is restarted.
Afterwards it checks, in the database:

- every submission that got its success page exists exactly once;
- a submission that got an error page is either absent or complete (never half-written);
- no response was a 5xx except a 503 "try again" page while the database was away;
- the app recovered on its own: after the restart every person completes a full round;
- every email queued was delivered to the SMTP server the soak runs (aiosmtpd on loopback), by
  the app's mail threads and a ``flask send-mail --loop`` worker, as in production; a message
  delivered twice (possible only when the database restarts between a send and its commit) is
  counted and reported.

Prints the figures and exits non-zero when a check fails. ``make soak``; ``.ci/run`` runs it
with fewer rounds. Loopback only; every loop is bounded in count and time.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import free_port, wait_until_up  # noqa: E402

SUBMITTERS = int(os.environ.get("SOAK_SUBMITTERS", "50"))
ROUNDS = int(os.environ.get("SOAK_ROUNDS", "2"))
DEADLINE = float(os.environ.get("SOAK_SECONDS", "600"))  # the whole run, at most
TRY_AGAIN = "We could not do that just now"


# --- a throwaway PostgreSQL ---------------------------------------------------------------------------

class Postgres:
    def __init__(self, folder: Path) -> None:
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: p.parent.name)
        self.bin = found[-1] if found else Path(shutil.which("initdb") or "initdb").parent
        self.folder, self.port = folder, free_port()
        self.as_root = os.getuid() == 0
        if self.as_root:
            shutil.chown(folder, "postgres")

    def run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def pg_ctl(self, action: str) -> None:
        self.run("pg_ctl", "-D", str(self.folder / "data"), "-o",
                 f"-h 127.0.0.1 -p {self.port} -k {self.folder}", "-l", str(self.folder / "log"), "-w", "-m",
                 "fast", action)

    def start(self) -> str:
        self.run("initdb", "-D", str(self.folder / "data"), "-U", "takepart", "--auth=trust", "-E", "UTF8")
        self.pg_ctl("start")
        self.run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "takepart", "soak")
        return f"postgresql+psycopg://takepart@127.0.0.1:{self.port}/soak"

    def stop(self) -> None:
        try:
            self.pg_ctl("stop")
        except subprocess.CalledProcessError:
            pass


# --- the data people need -----------------------------------------------------------------------------

def seed(database_url: str, tmp: str) -> tuple[int, str]:
    """Migrate; add a published role, a meeting open for feedback, and people who can sign in."""
    from datetime import date, timedelta

    from app import create_app, db
    from app.account import service as accounts
    from app.account.models import Contributor
    from app.db import utcnow
    from app.meetings import service as meetings
    from app.roles import service as roles
    from app.settings import Settings
    from tests.roles.test_role_service import COMPLETE

    db.upgrade(database_url)
    app = create_app(Settings().replace(database_url=database_url, mail_outbox=f"{tmp}/outbox",
                                        upload_dir=f"{tmp}/uploads", testing=True))
    by = ("system", None, "soak")
    with app.test_request_context():
        role = roles.create(COMPLETE | {"closing_date": date.today() + timedelta(days=10)}, by)
        roles.publish(role, by)
        meeting = meetings.create(role, {"title": "Soak meeting", "starts_at": utcnow() - timedelta(hours=2),
                                         "minutes": 60, "format": "online"}, by)
        now = utcnow()
        for n in range(SUBMITTERS):
            person = Contributor(email=f"soak{n}@example.org", name=f"Soak {n}", language="en", access_needs=[],
                                 created_at=now, updated_at=now, session_version=1)
            db.session().add(person)
            db.session().flush()
            accounts.issue_sign_in(person.email, person, timedelta(hours=2), token=f"soak-token-{n}")
        db.session().commit()
        result = role.id, meeting.code
    app.extensions["db_engine"].dispose()
    return result


# --- a person with a browser --------------------------------------------------------------------------

class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


@dataclass
class Reply:
    status: int
    location: str
    body: str


class Browser:
    """Cookies, CSRF tokens from the page, no automatic redirects: like a person, step by step."""

    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirect)

    def _open(self, request: urllib.request.Request) -> Reply:
        try:
            with self.opener.open(request, timeout=30) as response:
                return Reply(response.status, response.headers.get("Location", ""), response.read().decode())
        except urllib.error.HTTPError as error:
            return Reply(error.code, error.headers.get("Location", ""), error.read().decode(errors="replace"))

    def get(self, path: str) -> Reply:
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path: str, fields: dict[str, object], files: dict[str, tuple[str, bytes]] | None = None) -> Reply:
        page = self.get(path)  # as a person does: open the form, then send it
        if page.status >= 500:
            return page  # they see "try again", not the form
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.body)
        data = dict(fields, csrf_token=token.group(1) if token else "")
        if files:
            boundary = uuid.uuid4().hex
            body = io.BytesIO()
            for name, value in data.items():
                for one in value if isinstance(value, list) else [value]:
                    body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{one}\r\n'
                               .encode())
            for name, (filename, content) in files.items():
                body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"'
                           f'\r\nContent-Type: image/jpeg\r\n\r\n'.encode() + content + b"\r\n")
            body.write(f"--{boundary}--\r\n".encode())
            request = urllib.request.Request(self.base + path, data=body.getvalue(), method="POST", headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}"})
        else:
            request = urllib.request.Request(self.base + path, method="POST",
                                             data=urllib.parse.urlencode(data, doseq=True).encode())
        return self._open(request)


def _jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (60, 40), (200, 180, 20)).save(out, format="JPEG")
    return out.getvalue()


@dataclass
class Outcome:
    kind: str  # interest | claim | feedback
    key: str  # how to find it: the email, the claim's draft id, the words
    done: bool  # got the success page
    statuses: list[int] = field(default_factory=list)
    after_restart: bool = False


class Failed(Exception):
    """A step got an error page (recorded); the submission stops there."""


def step(reply: Reply, outcome: Outcome, expect_redirect: bool = True) -> Reply:
    outcome.statuses.append(reply.status)
    if reply.status >= 400 or (expect_redirect and reply.status not in (302, 303)):
        raise Failed
    return reply


def interest(browser: Browser, role_id: int, email: str, outcome: Outcome) -> None:
    answers = {
        "who": {"for_whom": "me"},
        "contact": {"name": "Soak Person", "email": email, "contact_channel": "email", "best_times": "mornings"},
        "taking_part": {"ways": ["online"], "availability": ["weekday_evening"]},
        "access": {"access_needs": ["breaks"]},
        "about": {"hopes": "To help", "brings": "Listening"},
        "payment": {"payment_preference": "paid"},
        "agree": {"consent": "yes"},
    }
    page = "who"
    for _ in range(12):  # bounded: the form has nine pages
        if page == "check":
            break
        reply = step(browser.post(f"/roles/{role_id}/interest/{page}", answers.get(page, {})), outcome)
        page = reply.location.rstrip("/").rsplit("/", 1)[-1]
    step(browser.post(f"/roles/{role_id}/interest/check", {}), outcome)
    outcome.done = True


def claim(browser: Browser, outcome: Outcome) -> None:
    from datetime import date, timedelta

    day = date.today() - timedelta(days=2)
    first = step(browser.get("/claims/new"), outcome).location
    if "/account/forms/new/" in first:
        first = step(browser.get(urllib.parse.urlsplit(first).path), outcome).location
    base = urllib.parse.urlsplit(first).path.rsplit("/", 1)[0]
    outcome.key = base.rsplit("/", 1)[-1]
    step(browser.post(f"{base}/activity", {"activity": "other", "other_activity": "Soak meeting",
                                           "activity_date-day": day.day, "activity_date-month": day.month,
                                           "activity_date-year": day.year}), outcome)
    step(browser.post(f"{base}/time", {"hours": "2", "preparation": "some", "payment_choice": "paid"}), outcome)
    step(browser.post(f"{base}/expenses", {"expenses-0-kind": "parking", "expenses-0-amount": "3.50"}), outcome)
    step(browser.post(f"{base}/receipts", {"line": "0"}, files={"files": ("parking.jpg", _jpeg())}), outcome)
    step(browser.post(f"{base}/check", {"declare": "yes"}), outcome)
    outcome.done = True


def feedback(browser: Browser, code: str, words: str, outcome: Outcome) -> None:
    step(browser.post(f"/m/{code}/feedback", {"overall": "4", "change": words}), outcome)
    outcome.done = True


# --- the run ----------------------------------------------------------------------------------------------

def person(n: int, port: int, role_id: int, code: str, results: list[Outcome], lock: threading.Lock,
           restarted: threading.Event, stop_at: float) -> None:
    signed_in = Browser(port)
    signed_in.post(f"/account/sign-in/soak-token-{n}", {})
    for round_ in range(ROUNDS + 1):  # the extra round is the recovery check, after the restart
        if round_ == ROUNDS:
            restarted.wait(timeout=max(stop_at - time.time(), 0))
        if time.time() > stop_at:
            break
        after = restarted.is_set()
        unique = f"{n}-{round_}-{uuid.uuid4().hex[:8]}"
        jobs = (("interest", f"soak-{unique}@example.org",
                 lambda o: interest(Browser(port), role_id, o.key, o)),
                ("claim", "", lambda o: claim(signed_in, o)),
                ("feedback", f"Soak words {unique}", lambda o: feedback(Browser(port), code, o.key, o)))
        for kind, key, run in jobs:
            outcome = Outcome(kind, key, False, after_restart=after)
            try:
                run(outcome)
            except (Failed, OSError):
                pass
            with lock:
                results.append(outcome)


def check(database_url: str, tmp: str, results: list[Outcome]) -> list[str]:
    """What must hold afterwards; returns the problems."""
    from sqlalchemy import func, select

    from app import create_app, db
    from app.claims.models import Claim, ClaimLine, Receipt
    from app.interests.models import Interest
    from app.meetings.models import FeedbackComment
    from app.settings import Settings

    app = create_app(Settings().replace(database_url=database_url, mail_outbox=f"{tmp}/outbox",
                                        upload_dir=f"{tmp}/uploads", testing=True))
    problems = []
    with app.app_context():
        s = db.session()
        for outcome in results:
            if outcome.kind == "interest":
                found = s.scalar(select(func.count()).select_from(Interest).where(Interest.email == outcome.key))
                complete = found
            elif outcome.kind == "claim":
                claim_row = s.scalar(select(Claim).where(Claim.idempotency_key == outcome.key)) if outcome.key else None
                found = 1 if claim_row else 0
                complete = claim_row is not None and bool(
                    s.scalar(select(func.count()).select_from(ClaimLine).where(ClaimLine.claim_id == claim_row.id))
                    and s.scalar(select(func.count()).select_from(Receipt).where(Receipt.claim_id == claim_row.id)))
            else:
                found = s.scalar(select(func.count()).select_from(FeedbackComment)
                                 .where(FeedbackComment.text == outcome.key))
                complete = found
            if outcome.done and found != 1:
                problems.append(f"{outcome.kind} {outcome.key}: got its success page but is stored {found} times")
            if not outcome.done and found and not complete:
                problems.append(f"{outcome.kind} {outcome.key}: failed, and is stored half-written")
            if outcome.done and outcome.kind == "claim" and not complete:
                problems.append(f"claim {outcome.key}: stored without its line or receipt")
    app.extensions["db_engine"].dispose()
    bad = Counter(status for o in results for status in o.statuses if status >= 500 and status != 503)
    if bad:
        problems.append(f"server errors other than 503: {dict(bad)}")
    unrecovered = [o for o in results if o.after_restart and not o.done]
    if unrecovered:
        problems.append(f"{len(unrecovered)} submissions after the restart did not complete: "
                        f"{Counter(o.kind for o in unrecovered)}")
    if not any(o.after_restart for o in results):
        problems.append("nothing was sent after the restart: recovery was not tested")
    return problems


class Mailbox:
    """An aiosmtpd handler counting deliveries per outbox message."""

    def __init__(self) -> None:
        self.deliveries: Counter[str] = Counter()

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802 - aiosmtpd API
        from email import message_from_bytes

        self.deliveries[message_from_bytes(envelope.content)["X-Takepart-Outbox-Id"] or "?"] += 1
        return "250 OK"


def mail_check(database_url: str, tmp: str, mailbox: Mailbox, deadline: float) -> tuple[list[str], dict[str, int]]:
    """Wait (bounded: a message taken just as the database went away is taken again after
    ``mail.CLAIM_MINUTES``) for the outbox to empty; then every queued message must have arrived."""
    from sqlalchemy import func, select

    from app import create_app, db
    from app.mail import OutboxMessage
    from app.settings import Settings

    app = create_app(Settings().replace(database_url=database_url, mail_outbox=f"{tmp}/outbox", testing=True))
    with app.app_context():
        s = db.session()
        while time.time() < deadline and s.scalar(select(func.count()).select_from(OutboxMessage)
                                                  .where(OutboxMessage.sent_at.is_(None))):
            s.rollback()
            time.sleep(0.5)
        ids = {str(i) for i in s.scalars(select(OutboxMessage.id))}
    app.extensions["db_engine"].dispose()
    delivered = {i for i in ids if mailbox.deliveries[i]}
    twice = sum(1 for i in ids if mailbox.deliveries[i] > 1)
    figures = {"queued": len(ids), "delivered": len(delivered), "not delivered": len(ids - delivered),
               "delivered twice": twice}
    problems = [f"{len(ids - delivered)} of {len(ids)} queued emails were never delivered"] if ids - delivered else []
    if not ids:
        problems.append("no email was queued: mail delivery was not tested")
    return problems, figures


def main() -> int:
    import logging

    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP line at INFO

    pg_dir = Path(tempfile.mkdtemp(prefix="takepart-soak-pg."))  # its own, so the postgres user can enter it
    with tempfile.TemporaryDirectory() as tmp:
        postgres = Postgres(pg_dir)
        database_url = postgres.start()
        gunicorn = worker = None
        mailbox, smtp_port = Mailbox(), free_port()
        smtp = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
        smtp.start()
        try:
            role_id, code = seed(database_url, tmp)
            port = free_port()
            env = dict(os.environ, DATABASE_URL=database_url, MAIL_OUTBOX=f"{tmp}/outbox", UPLOAD_DIR=f"{tmp}/uploads",
                       BASE_URL=f"http://127.0.0.1:{port}", SIGN_IN_IP_LIMIT="1000000", LOG_LEVEL="ERROR",
                       MAIL_SERVER="127.0.0.1", MAIL_PORT=str(smtp_port), FLASK_APP="app:create_app")
            workers = 2 * (os.cpu_count() or 1)
            gunicorn = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level",
                 "error", "--timeout", "60", "wsgi:app"], cwd=ROOT, env=env)
            worker = subprocess.Popen([sys.executable, "-m", "flask", "send-mail", "--loop", "--interval", "2",
                                       "--quiet"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            wait_until_up(port)
            results: list[Outcome] = []
            lock, restarted = threading.Lock(), threading.Event()
            stop_at = time.time() + DEADLINE
            started = time.time()
            people = [threading.Thread(target=person, args=(n, port, role_id, code, results, lock, restarted,
                                                            stop_at)) for n in range(SUBMITTERS)]
            for thread in people:
                thread.start()
            # Restart the database once everyone is under way.
            while time.time() < stop_at and len(results) < SUBMITTERS * 3 * max(ROUNDS - 1, 1) // 2:
                time.sleep(0.2)
            window_start = time.time()
            postgres.pg_ctl("restart")
            window = (window_start, time.time())
            restarted.set()
            for thread in people:
                thread.join(timeout=max(stop_at - time.time(), 1))
            elapsed = time.time() - started
            problems = check(database_url, tmp, results)
            mail_problems, mail = mail_check(database_url, tmp, mailbox, time.time() + 180)
            problems += mail_problems
        finally:
            for process in (gunicorn, worker):
                if process is not None:
                    process.terminate()
                    process.wait(timeout=30)
            smtp.stop()
            postgres.stop()
            shutil.rmtree(pg_dir, ignore_errors=True)
    statuses = Counter(status for o in results for status in o.statuses)
    done = Counter(o.kind for o in results if o.done)
    print(f"Soak: {SUBMITTERS} people x {ROUNDS} rounds (+1 after the restart) on PostgreSQL, gunicorn "
          f"{2 * (os.cpu_count() or 1)} workers, {elapsed:.0f} s")
    print(f"  submissions: {len(results)}; completed: {dict(done)}")
    print(f"  responses by status: {dict(sorted(statuses.items()))}")
    print(f"  PostgreSQL restarted in {window[1] - window[0]:.1f} s; 503 'try again' pages: {statuses.get(503, 0)}")
    print(f"  email: {mail['queued']} queued, {mail['delivered']} delivered, {mail['not delivered']} never delivered, "
          f"{mail['delivered twice']} delivered twice (target 0)")
    for problem in problems:
        print("  PROBLEM:", problem)
    print("  all checks passed" if not problems else f"  {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
