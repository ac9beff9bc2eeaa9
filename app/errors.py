"""Clear, translated error pages in the site's layout (400, 403, 404, 405, 413, 429, 500, 503).

A value the database refuses (``DataError``) is a 400 "check what you entered", not a 500.

503 is "try again": the database could not be reached (restarting, failing over). The
connection pool checks connections before use (``pool_pre_ping``), so the next request
after the database is back works without restarting the app.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, DBAPIError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from app.i18n import both, er_l

#: Each error's title and what to do, with their easy-read words, and the picture beside them in easy read.
MESSAGES = {
    400: (both(_l("Something was wrong with that request"), er_l("Something went wrong")),
          both(_l("Go back, check what you entered and try again."),
               er_l("Go back. Check what you wrote. Then try again.")), "check"),
    403: (both(_l("You cannot see this page"), er_l("You cannot see this page")),
          both(_l("Your account does not give you access to this page. Ask an administrator if you think it should."),
               er_l("Your account cannot open this page. Ask our team if you think it should.")), "stop"),
    404: (both(_l("Page not found"), er_l("We cannot find this page")),
          both(_l("Check the web address. If you followed a link, it may be out of date."),
               er_l("Check the web address. If you pressed a link, the link may be old.")), "question"),
    405: (both(_l("That action is not possible here"), er_l("You cannot do that here")),
          both(_l("Go back to the previous page and try again."),
               er_l("Go back to the page before. Then try again.")), "stop"),
    413: (both(_l("That file is too big"), er_l("This file is too big")),
          both(_l("Go back and choose a smaller file."), er_l("Go back. Choose a smaller file.")), "attach"),
    429: (both(_l("Too many attempts"), er_l("You tried too many times")),
          both(_l("Wait 15 minutes, then try again."), er_l("Wait 15 minutes. Then try again.")), "clock"),
    500: (both(_l("Sorry, something went wrong on our side"), er_l("Sorry, something went wrong on our side")),
          both(_l("Nothing you have already saved is lost. Try again in a few minutes."),
               er_l("You have not lost anything you saved. Try again in a few minutes.")), "save"),
    503: (both(_l("We could not do that just now"), er_l("We could not do that now")),
          both(_l("Our system is busy or restarting. Go back and send it again in a minute: nothing you have "
                  "already saved is lost."),
               er_l("Our system is busy. Go back and send it again in 1 minute. "
                    "You have not lost anything you saved.")), "later"),
}

CSRF_MESSAGE = (
    both(_l("Your form could not be sent"), er_l("We could not send your form")),
    both(_l("This can happen if the page was open for a long time or cookies are switched off. "
            "Go back, reload the page and send it again."),
         er_l("The page may have been open too long. Go back. Load the page again and send it.")),
    "send",
)


def render_error(code: int, title: object, body: object, picture: str = "question") -> tuple[str, int]:
    return render_template("errors/error.html", code=code, title=title, body=body, picture=picture), code


def _rollback() -> None:
    """Abandon what the failed request had started, so the pool gets its connection back clean."""
    from app import db

    try:
        db.session().rollback()
    except DBAPIError:
        pass  # the connection is gone; the pool replaces it


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(_e: CSRFError) -> Any:
        from app.forms import show_again

        return show_again(app) or render_error(400, *CSRF_MESSAGE)

    @app.errorhandler(HTTPException)
    def _http(e: HTTPException) -> tuple[str, int]:
        code = e.code or 500
        return render_error(code, *MESSAGES.get(code, MESSAGES[400] if code < 500 else MESSAGES[500]))

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def _database_away(e: Exception) -> tuple[str, int, dict[str, str]]:
        app.logger.warning("database unavailable: %s", str(e).splitlines()[0][:200])
        _rollback()
        page, code = render_error(503, *MESSAGES[503])
        return page, code, {"Retry-After": "30"}

    @app.errorhandler(DataError)
    def _value_refused(e: DataError) -> tuple[str, int]:
        """A value the database will not store (a number too big for its column, say) that no
        form check caught: a clear "check what you entered" page rather than a server error."""
        app.logger.warning("value refused by the database: %s", str(e.orig).splitlines()[0][:200])
        _rollback()
        return render_error(400, *MESSAGES[400])

    @app.errorhandler(Exception)
    def _unexpected(e: Exception) -> tuple[str, int]:
        app.logger.exception("unhandled error", exc_info=e)
        _rollback()
        return render_error(500, *MESSAGES[500])
