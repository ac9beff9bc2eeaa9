"""A local stand-in for GOV.UK Notify's API, following its published reference for the calls we use.

POST /v2/notifications/email, /sms and /letter (a template letter, or a precompiled one: a
``reference`` and base64 PDF ``content``), JSON in and out, each request signed with a JWT in
``Authorization: Bearer``: HS256, ``iss`` the service id, ``iat`` within 30 seconds, signed with
the secret from the API key. Errors come back as Notify sends them:
``{"status_code": 400, "errors": [{"error": "BadRequestError", "message": "..."}]}``.
Everything received is recorded, so tests can say what Notify would have been sent.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"takepart_test-{SERVICE_ID}-{SECRET}"
TEMPLATES = {"email": "f33517ff-2a88-4f6e-b855-c550268ce08a", "sms": "c0ffee11-2a88-4f6e-b855-c550268ce08a",
             "letter": "1e77e422-2a88-4f6e-b855-c550268ce08a"}
#: Notify's error names for the status codes it uses.
ERROR_NAMES = {400: "BadRequestError", 403: "AuthError", 429: "RateLimitError", 500: "Exception"}


@dataclass
class Received:
    path: str
    body: dict[str, Any]
    claims: dict[str, Any]


@dataclass
class NotifyServer:
    requests: list[Received] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (path, why): what a real Notify would refuse
    #: Answers to give instead of success, one per request, first first: (status, message).
    failures: list[tuple[int, str]] = field(default_factory=list)
    port: int = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _error(status: int, message: str) -> dict[str, Any]:
    return {"status_code": status, "errors": [{"error": ERROR_NAMES.get(status, "BadRequestError"), "message": message}]}


def _check_token(header: str) -> tuple[dict[str, Any] | None, str]:
    """Notify's checks: a Bearer JWT, HS256, iss = the service id, iat fresh, signed with the key's secret."""
    if not header.startswith("Bearer "):
        return None, "Unauthorized: authentication token must be provided"
    token = header.removeprefix("Bearer ")
    try:
        head = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return None, "Invalid token: signature, api token not found"
    if head.get("alg") != "HS256" or head.get("typ") != "JWT":
        return None, "Invalid token: algorithm used is not HS256"
    if unverified.get("iss") != SERVICE_ID:
        return None, "Invalid token: service not found"
    try:
        claims = jwt.decode(token, key=SECRET, algorithms=["HS256"], options={"verify_iat": False})
    except jwt.PyJWTError:
        return None, "Invalid token: signature, api token not found"
    if "iat" not in claims or abs(time.time() - int(claims["iat"])) > 30:
        return None, "Error: Your system clock must be accurate to within 30 seconds"
    return claims, ""


def _missing(body: dict[str, Any], *names: str) -> list[str]:
    return [name for name in names if not body.get(name)]


def _answer(kind: str, body: dict[str, Any], base: str) -> tuple[int, dict[str, Any]]:
    """What Notify answers a valid request with (201), or the 400 it gives an invalid one."""
    notification_id = str(uuid.uuid4())
    uri = f"{base}/v2/notifications/{notification_id}"
    if kind == "letter" and "content" in body:  # precompiled
        missing = _missing(body, "reference", "content")
        try:
            pdf = base64.b64decode(body.get("content", ""), validate=True)
        except ValueError:
            pdf = b""
        if missing or not pdf.startswith(b"%PDF"):
            return 400, _error(400, "ValidationError: content is not a PDF" if not missing else f"{missing[0]} is a required property")
        return 201, {"id": notification_id, "reference": body["reference"], "postage": body.get("postage", "second")}
    needs = {"email": ("email_address", "template_id"), "sms": ("phone_number", "template_id"),
             "letter": ("template_id", "personalisation")}[kind]
    missing = _missing(body, *needs)
    if missing:
        return 400, _error(400, f"{missing[0]} is a required property")
    if body["template_id"] != TEMPLATES[kind]:
        return 400, _error(400, "Template not found")
    personalisation = body.get("personalisation") or {}
    if kind == "sms" and not str(body["phone_number"]).lstrip("+").isdigit():
        return 400, _error(400, "phone_number Not a valid number")
    if kind == "letter":
        lines = [personalisation.get(f"address_line_{i}") for i in range(1, 8) if personalisation.get(f"address_line_{i}")]
        if len(lines) < 3:
            return 400, _error(400, "Address must be at least 3 lines")
    template = {"id": body["template_id"], "version": 1, "uri": f"{base}/v2/template/{body['template_id']}"}
    content: dict[str, Any] = {"body": personalisation.get("body", "")}
    if kind == "email":
        content.update(subject=personalisation.get("subject", ""), from_email="takepart@notifications.service.gov.uk",
                       one_click_unsubscribe_url=None)
    elif kind == "sms":
        content["from_number"] = "TakePart"
    else:
        content["subject"] = personalisation.get("subject", "")
    answer = {"id": notification_id, "reference": body.get("reference"), "content": content, "uri": uri,
              "template": template}
    if kind == "letter":
        answer["scheduled_for"] = None
    return 201, answer


def start() -> tuple[NotifyServer, ThreadingHTTPServer]:
    state = NotifyServer()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def _reply(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            kinds = {"/v2/notifications/email": "email", "/v2/notifications/sms": "sms",
                     "/v2/notifications/letter": "letter"}
            kind = kinds.get(self.path)
            if kind is None:
                state.refused.append((self.path, "no such path"))
                self._reply(404, _error(404, "Not Found"))
                return
            claims, why = _check_token(self.headers.get("Authorization", ""))
            if claims is None:
                state.refused.append((self.path, why))
                self._reply(403, _error(403, why))
                return
            if not (self.headers.get("Content-Type") or "").startswith("application/json"):
                state.refused.append((self.path, "not JSON"))
                self._reply(400, _error(400, "Invalid JSON supplied in POST data"))
                return
            try:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
            except ValueError:
                self._reply(400, _error(400, "Invalid JSON supplied in POST data"))
                return
            state.requests.append(Received(self.path, body, claims))
            if state.failures:
                status, message = state.failures.pop(0)
                self._reply(status, _error(status, message))
                return
            status, answer = _answer(kind, body, state.base_url)
            if status != 201:
                state.refused.append((self.path, json.dumps(answer)))
            self._reply(status, answer)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, name="notify-contract", daemon=True).start()
    return state, server
