"""Locust users for ``bench/run.py`` (run headless, one class at a time, over loopback).

- ``PageUser`` asks for one page again and again (``BENCH_PATH``; signed in as staff when
  ``BENCH_STAFF`` is set): throughput, compared with the bare Flask route.
- ``InterestUser`` fills in and sends an expression of interest (not signed in, a new email
  each time); the final POST is reported as "send interest".
- ``ClaimUser`` signs in with one of the bench's sign-in links and makes a claim with one
  receipt; the final POST is reported as "send claim".
"""

from __future__ import annotations

import io
import itertools
import os
import re
import uuid
from datetime import date, timedelta

from urllib.parse import urlencode

from locust import FastHttpUser, HttpUser, constant, task

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_people = itertools.count()


def _token(html: str) -> str:
    match = TOKEN.search(html)
    return match.group(1) if match else ""


class _Forms(HttpUser):
    """Form-filling people (requests-based: cookies, uploads), one step after another."""

    abstract = True
    wait_time = constant(0)

    def post_form(self, path: str, fields: dict[str, object], name: str | None = None,
                  files: dict[str, tuple[str, bytes, str]] | None = None) -> str:
        """Open the form, send it; returns where it sends you (Location)."""
        page = self.client.get(path, name=f"{name or path} (form)" if name else None)
        data = dict(fields, csrf_token=_token(page.text or ""))
        if files:
            response = self.client.post(path, data=data, files=files, name=name, allow_redirects=False)
        else:
            response = self.client.post(path, data=data, name=name, allow_redirects=False)
        return response.headers.get("Location", "")


class PageUser(FastHttpUser):
    """One page, as fast as it comes (geventhttpclient: the client stays out of the way)."""

    wait_time = constant(0)

    def on_start(self) -> None:
        if os.environ.get("BENCH_STAFF"):
            page = self.client.get("/staff/sign-in", name="sign in")
            self.client.post("/staff/sign-in", name="sign in", headers={
                "Content-Type": "application/x-www-form-urlencoded"}, data=urlencode({
                    "email": os.environ["BENCH_STAFF"], "password": os.environ["BENCH_STAFF_PASSWORD"],
                    "csrf_token": _token(page.text or "")}))

    @task
    def page(self) -> None:
        self.client.get(os.environ.get("BENCH_PATH", "/"), name="page")


class InterestUser(_Forms):
    ANSWERS: dict[str, dict[str, object]] = {
        "who": {"for_whom": "me"},
        "taking_part": {"ways": "online", "availability": "weekday_evening"},
        "access": {"access_needs": "breaks"},
        "about": {"hopes": "To help", "brings": "Listening"},
        "payment": {"payment_preference": "paid"},
        "agree": {"consent": "yes"},
    }

    @task
    def send_interest(self) -> None:
        role = os.environ.get("BENCH_ROLE", "1")
        answers = dict(self.ANSWERS, contact={"name": "Bench Person", "email": f"bench-{uuid.uuid4().hex}@example.org",
                                              "contact_channel": "email", "best_times": "mornings"})
        page = "who"
        for _ in range(12):
            if page == "check":
                break
            location = self.post_form(f"/roles/{role}/interest/{page}", answers.get(page, {}), name="interest page")
            page = location.rstrip("/").rsplit("/", 1)[-1]
        self.post_form(f"/roles/{role}/interest/check", {}, name="send interest")


def _jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (60, 40), (200, 180, 20)).save(out, format="JPEG")
    return out.getvalue()


RECEIPT = _jpeg()


class ClaimUser(_Forms):
    def on_start(self) -> None:
        self.post_form(f"/account/sign-in/bench-token-{next(_people)}", {})

    @task
    def send_claim(self) -> None:
        day = date.today() - timedelta(days=2)
        first = self.client.get("/claims/new", name="claim: start", allow_redirects=False).headers.get("Location", "")
        if "/account/forms/new/" in first:
            first = self.client.get(first, name="claim: start", allow_redirects=False).headers.get("Location", "")
        base = first.split("://", 1)[-1].split("/", 1)[-1].rsplit("/", 1)[0]
        base = "/" + base.lstrip("/")
        self.post_form(f"{base}/activity", {"activity": "other", "other_activity": "Bench meeting",
                                            "activity_date-day": day.day, "activity_date-month": day.month,
                                            "activity_date-year": day.year}, name="claim page")
        self.post_form(f"{base}/time", {"hours": "2", "preparation": "some", "payment_choice": "paid"},
                       name="claim page")
        self.post_form(f"{base}/expenses", {"expenses-0-kind": "parking", "expenses-0-amount": "3.50"},
                       name="claim page")
        self.post_form(f"{base}/receipts", {"line": "0"}, name="claim page",
                       files={"files": ("parking.jpg", RECEIPT, "image/jpeg")})
        self.post_form(f"{base}/check", {"declare": "yes"}, name="send claim")
