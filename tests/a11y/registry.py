"""The registry of pages the browser suite checks with axe.

Every route the app serves must appear here, or in NOT_PAGES with a reason. Later
capabilities add their pages in the same change that adds the routes.

``who`` is the browser session that visits: "anon", "admin" or "officer".
``error_state`` pages are also submitted empty, and the error page checked.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    name: str
    endpoint: str
    path: str
    who: str = "anon"
    error_state: bool = False
    expected_status: int = 200


PAGES: list[Entry] = [
    Entry("home", "site.home", "/"),
    Entry("accessibility statement", "site.accessibility", "/accessibility"),
    Entry("not found", "<404>", "/no-such-page", expected_status=404),
    Entry("staff sign in", "staff.sign_in", "/staff/sign-in", error_state=True),
    Entry("staff home", "staff.home", "/staff/", who="admin"),
    Entry("change password", "staff.change_password", "/staff/password", who="admin", error_state=True),
    Entry("staff accounts", "staff.accounts", "/staff/accounts", who="admin"),
    Entry("add staff account", "staff.new_account", "/staff/accounts/new", who="admin", error_state=True),
    Entry("audit trail", "staff.audit_trail", "/staff/audit", who="admin"),
    Entry("forbidden", "<403>", "/staff/audit", who="officer", expected_status=403),
    Entry("form components", "gallery.components", "/_test/components", error_state=True),
]

#: Routes that are not pages a person reads, and why.
NOT_PAGES: dict[str, str] = {
    "static": "files (CSS, JavaScript, icons)",
    "site.healthz": "JSON health check for the load balancer",
    "staff.sign_out": "POST only; redirects to the sign-in page",
    "staff.set_active": "POST only; redirects to the staff accounts page",
}
