"""Journeys: every multi-page form is a list of steps on a draft, run by one handler.

A room declares its form as a :class:`Journey` (its steps, the address of a step, and a
``submit`` that makes the whole state change) and hands each request to :func:`handle`,
which does the rest the same way for every form:

- GET shows the step filled in with what was typed before (or the room's ``prefill``).
- POST saves what was typed, exactly as the browser sent it (errors and all), as the raw
  submitted pairs on the draft; builds the step's form from those pairs and validates it;
  and goes to the next step that is shown for the answers so far. An htmx change-save
  (``hx-post`` on change) takes the same path and gets the one "saved" fragment back.
- Back, "step N of M", which steps still need finishing and the "check your answers"
  rows all come from the step list. On the check step, steps still to finish are
  form-level errors in the shared error summary, each linking to its step.
- Uploads and add-another rows are a step's ``hook``, not special cases here.

Typed values (dates, pence, lists) are never stored: :meth:`Visit.values` builds the step's
form from the saved pairs and reads its data, so what the room's ``submit`` sees is what the
form says. Drafts saved before journeys kept typed values instead of pairs: both are read.

This module stands below the rooms and imports none of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Iterator

from flask import Response, abort, g, redirect, render_template, request
from werkzeug.datastructures import MultiDict
from wtforms import Field
from wtforms.fields import FieldList, FormField, SelectMultipleField

from app import db
from app.account import drafts
from app.db import utcnow
from app.forms import DatePartsField, Form
from app.htmx import partial

PAIRS = "_pairs"  # draft.data[step] = {PAIRS: [[name, value], ...]}: what the browser sent
NOT_SAVED = frozenset({"csrf_token"})


@dataclass(frozen=True)
class Step:
    """One page of a journey.

    ``shown``: whether the step is asked, given the answers so far (default: always).
    ``setup``: adjusts the form for this visit (choices, fields taken away).
    ``prefill``: values for a step not answered yet (from the person's profile, say).
    ``hook``: runs on POST before the save (uploads, add-another); a response it returns ends
    the request. ``saved``: extra context for the htmx "saved" fragment. ``required``: checked
    before sending. ``check``: the "check your answers" step, whose valid POST sends.
    """

    name: str
    form: type[Form]
    template: str
    title: Callable[[], str] = lambda: ""
    shown: Callable[["Visit"], bool] = lambda visit: True
    setup: Callable[[Form, "Visit"], None] | None = None
    prefill: Callable[["Visit"], dict[str, Any]] | None = None
    hook: Callable[["Visit", Form], Response | None] | None = None
    saved: Callable[["Visit"], dict[str, Any]] | None = None
    upload: bool = False
    required: bool = True
    check: bool = False


@dataclass
class Journey:
    """A multi-page form: its steps, where each is, and what sending it does (once, all or nothing)."""

    kind: str
    steps: list[Step]
    url: Callable[["Visit", str], str]
    submit: Callable[["Visit"], Response]
    context: Callable[["Visit"], dict[str, Any]] = lambda visit: {}
    before_send: Callable[["Visit"], list[tuple[str, str]]] | None = None  # (message, link) to stop sending

    def step(self, name: str) -> Step:
        found = next((s for s in self.steps if s.name == name), None)
        if found is None:
            abort(404)
        return found


@dataclass
class Visit:
    """One request in a journey: the draft (``None`` before anything is saved), who is filling
    it in, and whatever the room worked out for this request (``extra``)."""

    journey: Journey
    draft: drafts.Draft | None
    me: Any
    extra: dict[str, Any] = field(default_factory=dict)
    _values: dict[str, dict[str, Any]] = field(default_factory=dict)

    def answered(self, step: str) -> bool:
        return self.draft is not None and step in (self.draft.data or {})

    def pairs(self, step: str) -> list[tuple[str, str]] | None:
        """What was typed on ``step``, as the browser sent it (``None`` if never saved)."""
        saved = (self.draft.data or {}).get(step) if self.draft is not None else None
        if saved is None:
            return None
        if isinstance(saved, dict) and PAIRS in saved:
            return [(str(k), str(v)) for k, v in saved[PAIRS]]
        return as_pairs(self.form(self.journey.step(step), data=saved))  # saved before journeys

    def values(self, step: str) -> dict[str, Any]:
        """What the step's form makes of what was typed (``{}`` if never saved)."""
        if step not in self._values:
            pairs = self.pairs(step)
            self._values[step] = {} if pairs is None else plain(
                self.form(self.journey.step(step), formdata=MultiDict(pairs)).data)
        return self._values[step]

    def form(self, step: Step, formdata: Any = None, data: Any = None, page: bool = False) -> Form:
        """The step's form set up for this visit, from ``formdata`` or ``data``. Only the ``page``
        form (the one drawn) has a CSRF token; forms that read saved answers check none (every
        POST's token is checked by CSRFProtect before any view runs)."""
        form = step.form(formdata=formdata, data=data, **({} if page else {"meta": {"csrf": False}}))
        if step.setup is not None:
            step.setup(form, self)
        return form

    def shown_steps(self) -> list[Step]:
        return [s for s in self.journey.steps if s.shown(self)]


# --- the one handler --------------------------------------------------------------------------------

def handle(visit: Visit, name: str, save: Callable[[], drafts.Draft] | None = None) -> Any:
    """Serve step ``name`` of ``visit.journey`` (GET or POST). ``save`` makes the draft on the
    first POST when there is none yet (someone who has not signed in, say)."""
    journey = visit.journey
    step = journey.step(name)
    posted = request.method == "POST"
    if posted:
        if visit.draft is None and save is not None:
            visit.draft = save()
        if visit.draft is None:
            abort(404)
        if step.hook is not None:
            answer = step.hook(visit, visit.form(step, formdata=request.form, page=True))
            if answer is not None:
                return answer
        typed = [(k, v) for k, v in request.form.items(multi=True) if k not in NOT_SAVED and isinstance(v, str)]
        keep(visit.draft, name, typed)  # never lose what was typed, valid or not
        visit._values.clear()
        if not step.check or partial():  # a valid POST on the check step commits with the send
            db.session().commit()
        if partial():
            return render_template("components/save_status.html", time=utcnow().strftime("%H:%M"),
                                   **(step.saved(visit) if step.saved else {}))
    form = _form_for_page(visit, step, posted)
    if posted and form.validate():
        if not step.check:
            return redirect(journey.url(visit, next_step(visit, name)))
        form.unfinished = unfinished(visit) or (journey.before_send(visit) if journey.before_send else [])
        if not form.unfinished:
            return journey.submit(visit)  # the whole change, and what was typed, in its one commit
    elif posted and step.check:
        form.unfinished = unfinished(visit)
    if posted and step.check:
        db.session().commit()  # not sent: what was typed on the check step is kept
    return render(visit, step, form)


def render(visit: Visit, step: Step, form: Form) -> str:
    """The step's page (a hook that has its own errors to show uses this too)."""
    return render_template(step.template, **page_context(visit, step, form))


def add_another(name: str, on_remove: Callable[[Visit, Form, int], None] | None = None
                ) -> Callable[[Visit, Form], Response | None]:
    """A step hook for a list of rows (``FieldList`` ``name``): the "Add" button saves what was
    typed with an empty row after it, "Remove" saves it without that row; both come back to
    the list. Any other POST is left to the handler."""
    def hook(visit: Visit, form: Form) -> Response | None:
        adding, removing = f"add-{name}" in request.form, f"remove-{name}" in request.form
        if not adding and not removing:
            return None
        typed = [(k, v) for k, v in request.form.items(multi=True)
                 if k not in NOT_SAVED and not k.startswith(("add-", "remove-")) and isinstance(v, str)]
        rows = getattr(form, name)
        if adding:  # an empty row: its first box, empty
            first = next(iter(rows.append_entry().form)).short_name
            typed.append((f"{name}-{len(rows.entries) - 1}-{first}", ""))
        else:
            gone = request.form.get(f"remove-{name}", -1, type=int)
            typed = _without_row(typed, name, gone)
            if on_remove is not None:
                on_remove(visit, form, gone)
        keep(visit.draft, form_step(visit, form), typed)  # type: ignore[arg-type]
        db.session().commit()
        return redirect(visit.journey.url(visit, form_step(visit, form)) + f"#{name}")
    return hook


def form_step(visit: Visit, form: Form) -> str:
    return next(s.name for s in visit.journey.steps if isinstance(form, s.form))


def _without_row(pairs: list[tuple[str, str]], name: str, gone: int) -> list[tuple[str, str]]:
    """``pairs`` without row ``gone`` of list ``name``, later rows numbered one less."""
    out = []
    for key, value in pairs:
        parts = key.split("-", 2)
        if len(parts) == 3 and parts[0] == name and parts[1].isdigit():
            index = int(parts[1])
            if index == gone:
                continue
            key = f"{name}-{index - 1 if index > gone else index}-{parts[2]}"
        out.append((key, value))
    return out


def _form_for_page(visit: Visit, step: Step, posted: bool) -> Form:
    if posted:
        return visit.form(step, formdata=request.form, page=True)
    pairs = visit.pairs(step.name) if g.get("kept_form") is None else None
    if pairs is not None:
        return visit.form(step, formdata=MultiDict(pairs), page=True)
    if g.get("kept_form") is not None:  # a refused POST shown again (``forms.show_again``)
        return visit.form(step, formdata=g.kept_form, page=True)
    return visit.form(step, data=step.prefill(visit) if step.prefill else None, page=True)


def keep(draft: drafts.Draft, step: str, pairs: list[tuple[str, str]]) -> None:
    """Save ``pairs`` as what was typed on ``step`` (the route or hook that started the change commits)."""
    drafts.save_page(draft, step, {PAIRS: [list(p) for p in pairs]})


def page_context(visit: Visit, step: Step, form: Form) -> dict[str, Any]:
    shown = visit.shown_steps()
    number = next((i for i, s in enumerate(shown, start=1) if s.name == step.name), len(shown))
    earlier = [s for s in shown if shown.index(s) < number - 1]
    return dict(form=form, step=(number, len(shown)), page=step.name, draft=visit.draft,
                back_url=visit.journey.url(visit, earlier[-1].name) if earlier else None,
                upload=step.upload, **visit.journey.context(visit))


def next_step(visit: Visit, name: str) -> str:
    steps = visit.journey.steps
    later = steps[[s.name for s in steps].index(name) + 1:]
    return next(s.name for s in later if s.shown(visit))


def unfinished(visit: Visit) -> list[tuple[str, str]]:
    """Shown, required steps whose saved answers the step's form does not accept, as
    (what to do, link): the check step shows them as form-level errors."""
    missing = []
    for step in visit.shown_steps():
        if step.check or not step.required:
            continue
        pairs = visit.pairs(step.name)
        if pairs is None:  # never saved: what the room would fill in counts (from the profile, say)
            pairs = as_pairs(visit.form(step, data=step.prefill(visit))) if step.prefill else []
        if not visit.form(step, formdata=MultiDict(pairs)).validate():
            missing.append((step.title(), visit.journey.url(visit, step.name)))
    return missing


# --- typed values <-> pairs ---------------------------------------------------------------------

def plain(value: Any) -> Any:
    """Form data as JSON-ready values (dates as ISO strings)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if k not in NOT_SAVED}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def _leaves(fields: Iterator[Field]) -> Iterator[Field]:
    for item in fields:
        if isinstance(item, FieldList):
            for entry in item.entries:
                yield from _leaves(iter(entry.form) if isinstance(entry, FormField) else iter([entry]))
        elif isinstance(item, FormField):
            yield from _leaves(iter(item.form))
        elif item.name not in NOT_SAVED:
            yield item


def as_pairs(form: Form) -> list[tuple[str, str]]:
    """What a browser would send for a form filled in with typed values (old drafts, prefills)."""
    pairs: list[tuple[str, str]] = []
    for item in _leaves(iter(form)):
        if isinstance(item, DatePartsField):
            day = item.data if isinstance(item.data, date) else _iso_date(item.data)
            parts = ({"day": str(day.day), "month": str(day.month), "year": str(day.year)} if day
                     else item.raw_parts)
            pairs += [(f"{item.name}-{part}", parts[part]) for part in DatePartsField.PARTS]
        elif isinstance(item, SelectMultipleField) or isinstance(item.data, list):
            pairs += [(item.name, str(v)) for v in item.data or []]
        elif item.type in ("RadioField", "SelectField"):
            if item.data not in (None, "", "None"):
                pairs.append((item.name, str(item.data)))
        elif item.type == "BooleanField":
            if item.data:
                pairs.append((item.name, "y"))
        elif hasattr(item, "_value"):
            pairs.append((item.name, item._value()))
    return pairs


def _iso_date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def prefill_pairs(form_class: type[Form], values: dict[str, Any]) -> list[tuple[str, str]]:
    """Typed values as saved pairs, for a room that fills in a step for the person (a claim
    for a meeting starts with what and when)."""
    return as_pairs(form_class(formdata=None, data=values, meta={"csrf": False}))
