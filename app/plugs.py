"""What each room plugs into the shared machinery, held per app.

A room's ``init_app(app)`` (each called in order from ``create_app``) registers its blueprints
and fills this app's ``Plugs``: what "your data" exports, which files go in its ZIP, what
erasure does, the retention jobs and how every table about a person is covered; the forms
"Your forms" can resume; what goes when drafts are deleted; bulk mail jobs; staff home
panels; what happens after a contributor signs in. Shared code reads them with ``plugs()``.

Nothing is registered at import time, so importing a module twice, or building several apps
in one process (the tests do), never registers anything twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from flask import Flask, current_app

KEY = "takepart.plugs"


@dataclass(frozen=True)
class Coverage:
    """How one table's rows about a person are covered: in words a reviewer can check against the code."""

    export: str  # the key of the export document that holds them ("" when they are not exported) ...
    erasure: str  # what erasure does to them
    retention: str  # how long they are kept, and what then happens
    not_exported: str = ""  # ... and then why not


@dataclass(frozen=True)
class FormKind:
    """A multi-page form a person can have in progress (a draft of this kind)."""

    label: Callable[[], str]
    resume: Callable[[Any], str]  # draft -> the URL that carries on where it stopped
    startable: bool = True  # offered under "start a form" (set-up is not: it is your own, once)


@dataclass
class Plugs:
    #: "your data": name -> (person -> plain records) ...
    exports: dict[str, Callable[[Any], list[dict[str, Any]]]] = field(default_factory=dict)
    #: ... the files beside it in the ZIP (person -> [(path in the ZIP, storage key)]) ...
    files: list[Callable[[Any], list[tuple[str, str]]]] = field(default_factory=list)
    #: ... what erasure removes (person -> None; never commits) ...
    erasers: list[Callable[[Any], object]] = field(default_factory=list)
    #: ... retention jobs (name -> () -> rows changed; never commit) ...
    retention: dict[str, Callable[[], int]] = field(default_factory=dict)
    #: ... and, for every table holding a person's id, how it is covered or why it need not be.
    coverage: dict[str, Coverage] = field(default_factory=dict)
    exempt: dict[str, str] = field(default_factory=dict)
    #: Draft kind -> the form it is.
    forms: dict[str, FormKind] = field(default_factory=dict)
    #: Called with a SELECT of the public ids of drafts about to be deleted (never commit).
    on_draft_delete: list[Callable[[Any], None]] = field(default_factory=list)
    #: Jobs that queue email in bulk; the mail worker runs them before sending.
    mail_jobs: list[Callable[[], object]] = field(default_factory=list)
    #: Staff home panels: each returns HTML, or "" when nothing needs attention.
    home_panels: list[Callable[[], str]] = field(default_factory=list)
    #: Staff's record of one contributor: each returns HTML about that person, or "" (never commit).
    record_panels: list[Callable[[Any], str]] = field(default_factory=list)
    #: Called with the contributor in the sign-in transaction (never commit).
    after_sign_in: list[Callable[[Any], object]] = field(default_factory=list)

    def cover(self, table: str, *, export: str, erasure: str, retention: str, not_exported: str = "") -> None:
        """Say how a table holding a person's id (or words) is covered by "your data"."""
        self.coverage[table] = Coverage(export, erasure, retention, not_exported)

    def exempt_table(self, table: str, reason: str) -> None:
        """Say why a table that names people needs nothing from "your data"."""
        self.exempt[table] = reason

    def form(self, kind: str, label: Callable[[], str], resume: Callable[[Any], str], startable: bool = True) -> None:
        """A multi-page form "Your forms" can list and resume."""
        self.forms[kind] = FormKind(label, resume, startable)


def init_app(app: Flask) -> Plugs:
    app.extensions[KEY] = Plugs()
    return app.extensions[KEY]


def plugs(app: Flask | None = None) -> Plugs:
    """This app's plugs (the current app's by default)."""
    return (app or current_app).extensions[KEY]  # type: ignore[no-any-return]
