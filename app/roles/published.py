"""What the public role pages say changes only when staff publish: keep it rendered.

The role list's results and a role page's words are drawn once per *edition* of what staff
published and kept in this worker, per language (with its regional format), easy read choice,
filter and day (closing dates and the rate card in force depend on the day). The edition is read
from the database once per request (``edition``): the newest change and the number of rows of
roles, their translations and the rate cards. Publishing, a new version, any status change (each
sets ``roles.updated_at``), a translation saved, a new rate card and an impact entry published, changed or withdrawn all change it, in every
gunicorn worker at once, since each asks the database rather than its own memory.

Only the content is kept, never a whole page: the page around it (the header with who is signed
in, the session's CSRF token) is drawn for each request. Nothing personal is ever kept here: the
fragments are the same for everyone who asks in the same language.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import date
from typing import Any, Callable, Hashable

from flask import current_app
from markupsafe import Markup
from sqlalchemy import func, select

from app import db

LIMIT = 512  # fragments kept per worker: roles × languages × easy read × filters in use


def edition() -> tuple[Any, ...]:
    """What staff have published, in one statement read once per request: a change to any role,
    translation or rate card gives another value."""
    from app.claims.models import RateCardRate, RateCardVersion
    from app.involvement.models import ImpactEntry
    from app.roles.models import Role, RoleTranslation

    def read() -> tuple[Any, ...]:
        row = db.session().execute(select(
            select(func.max(Role.updated_at)).scalar_subquery(), select(func.count(Role.id)).scalar_subquery(),
            select(func.coalesce(func.sum(Role.version), 0)).scalar_subquery(),
            select(func.max(RoleTranslation.updated_at)).scalar_subquery(),
            select(func.count(RoleTranslation.id)).scalar_subquery(),
            select(func.max(RateCardVersion.id)).scalar_subquery(),
            select(func.count(RateCardRate.id)).scalar_subquery(),
            # the impact log: publishing, changing or withdrawing an entry sets its updated_at
            select(func.max(ImpactEntry.updated_at)).scalar_subquery(),
            select(func.count(ImpactEntry.id)).scalar_subquery())).one()
        return tuple(str(value) for value in row)

    return db.per_request("published_edition", read)


def _kept() -> OrderedDict[Hashable, Any]:
    return current_app.extensions.setdefault("published_fragments", OrderedDict())  # type: ignore[no-any-return]


def kept(key: tuple[Hashable, ...], draw: Callable[[], Any]) -> Any:
    """What ``draw()`` gives for ``key`` in today's edition: drawn once, then kept (``LIMIT``)."""
    from flask_babel import get_locale

    from app.i18n import easy_read_on

    full = (edition(), date.today().isoformat(), str(get_locale()), easy_read_on(), *key)
    store = _kept()
    if full in store:
        store.move_to_end(full)
        return store[full]
    value = draw()
    store[full] = value
    while len(store) > LIMIT:
        store.popitem(last=False)  # the oldest: another edition's, or a filter nobody uses
    return value


def fragment(template: str, **context: Any) -> Markup:
    """A template drawn to markup, to be kept and put into a page."""
    from flask import render_template

    return Markup(render_template(template, **context))
