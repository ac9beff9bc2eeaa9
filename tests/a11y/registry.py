"""The registry of pages the browser suite checks with axe.

Every route the app serves must appear here, or in NOT_PAGES with a reason. Later
capabilities add their pages in the same change that adds the routes.

``who`` is the browser session that visits: "anon", "pending" (asked for a sign-in
email), "contributor" (signed in), "supporter" (filling in forms for the contributor), "helper" (the same supporter, not acting),
"admin" or "officer", or "interested" (has just sent an interest in role 2).
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
    Entry("find a role", "find_roles.index", "/roles/"),
    Entry("find a role, filtered", "find_roles.index", "/roles/?format=in_person&time=half_day&pay=paid"),
    Entry("a role", "find_roles.show", "/roles/2"),
    Entry("contributor sign in", "account.sign_in", "/account/sign-in", error_state=True),
    Entry("check your email", "account.check_email", "/account/check-email", who="pending", error_state=True),
    Entry("sign-in link", "account.use_link", "/account/sign-in/a11y-link-page"),
    Entry("sign-in link used", "<400>", "/account/sign-in/no-such-token", expected_status=400),
    Entry("your account", "account.home", "/account/", who="contributor"),
    Entry("your name", "account.details_name", "/account/details/name", who="contributor", error_state=True),
    Entry("how we contact you", "account.details_contact", "/account/details/contact", who="contributor",
          error_state=True),
    Entry("language and easy read", "account.details_language", "/account/details/language", who="contributor"),
    Entry("what helps you take part", "account.details_access", "/account/details/access", who="contributor"),
    Entry("payment preference", "account.details_payment", "/account/details/payment", who="contributor",
          error_state=True),
    Entry("bank details", "account.details_bank", "/account/details/bank", who="contributor", error_state=True),
    Entry("people who help", "account.supporters", "/account/supporters", who="contributor"),
    Entry("add someone who helps you", "account.new_supporter", "/account/supporters/new", who="contributor",
          error_state=True),
    Entry("bank details: not for supporters", "<403>", "/account/details/bank", who="supporter",
          expected_status=403),
    Entry("details, filled in by a supporter", "account.home", "/account/", who="supporter"),
    Entry("your forms", "account.your_forms", "/account/forms", who="contributor"),
    Entry("who is filling this in", "account.start_form", "/account/forms/new/test_wizard", who="helper",
          error_state=True),
    Entry("your data", "account.your_data", "/account/data", who="contributor"),
    Entry("your data on a page", "account.data_view", "/account/data/view", who="contributor"),
    Entry("ask us to erase your data", "account.data_erase", "/account/data/erase", who="contributor"),
    Entry("setting up your details", "account.details_name", "/account/details/name?setup=1", who="contributor"),
    Entry("staff sign in", "staff.sign_in", "/staff/sign-in", error_state=True),
    Entry("staff home", "staff.home", "/staff/", who="admin"),
    Entry("change password", "staff.change_password", "/staff/password", who="admin", error_state=True),
    Entry("staff accounts", "staff.accounts", "/staff/accounts", who="admin"),
    Entry("add staff account", "staff.new_account", "/staff/accounts/new", who="admin", error_state=True),
    Entry("audit trail", "staff.audit_trail", "/staff/audit", who="admin"),
    Entry("tasks", "staff.tasks", "/staff/tasks", who="officer"),
    Entry("roles", "roles.index", "/staff/roles/", who="officer"),
    Entry("write a new role", "roles.new", "/staff/roles/new", who="officer", error_state=True),
    Entry("edit a role, with writing help", "roles.edit", "/staff/roles/1", who="officer"),
    Entry("contributors", "staff.contributors", "/staff/contributors", who="officer"),
    Entry("add a contributor", "staff.new_contributor", "/staff/contributors/new", who="officer", error_state=True),
    Entry("a contributor's record", "staff.contributor", "/staff/contributors/1", who="officer"),
    Entry("record someone who helps", "staff.new_supporter", "/staff/contributors/1/supporters/new", who="officer",
          error_state=True),
    Entry("email outbox", "staff.outbox", "/staff/outbox", who="admin"),
    Entry("forbidden", "<403>", "/staff/audit", who="officer", expected_status=403),
    Entry("form components", "gallery.components", "/_test/components", error_state=True),
    Entry("interest: who is filling this in", "interest.page", "/roles/2/interest/who", error_state=True),
    Entry("interest: who, for someone who helps", "interest.page", "/roles/2/interest/who?for=helper", who="helper"),
    Entry("interest: about the helper", "interest.page", "/roles/2/interest/helper", error_state=True),
    Entry("interest: contact", "interest.page", "/roles/2/interest/contact", error_state=True),
    Entry("interest: contact, from the profile", "interest.page", "/roles/2/interest/contact?signed=in",
          who="contributor"),
    Entry("interest: how and when", "interest.page", "/roles/2/interest/taking_part", error_state=True),
    Entry("interest: what would help", "interest.page", "/roles/2/interest/access"),
    Entry("interest: what you would bring", "interest.page", "/roles/2/interest/about"),
    Entry("interest: payment", "interest.page", "/roles/2/interest/payment", error_state=True),
    Entry("interest: keeping your details", "interest.page", "/roles/2/interest/agree", error_state=True),
    Entry("interest: check your answers", "interest.page", "/roles/2/interest/check", error_state=True),
    Entry("interest: role closed", "interest.page", "/roles/3/interest/who", expected_status=410),
    Entry("interest: sent", "interest.done", "/roles/2/interest/done", who="interested"),
    Entry("equality questions", "interest.equality", "/roles/2/equality", who="interested"),
    Entry("roles you are interested in", "interest.yours", "/account/interests", who="contributor"),
    Entry("interest in a role (staff)", "triage.role_interests", "/staff/roles/2/interests", who="officer"),
    Entry("an interest (staff)", "triage.interest", "/staff/interests/1", who="officer"),
    Entry("equality monitoring", "triage.equality", "/staff/equality?role=2", who="officer"),
    Entry("translations of a role", "roles.translations", "/staff/roles/2/translations", who="officer"),
    Entry("translate a role", "roles.translation", "/staff/roles/2/translations/cy", who="officer"),
    Entry("rates for involvement", "finance.rates", "/staff/rates", who="admin", error_state=True),
    Entry("finance export", "finance.finance", "/staff/finance", who="admin"),
    Entry("totals per person in a tax year", "finance.totals", "/staff/finance/totals", who="admin"),
    Entry("claim: what it is for", "claims.page", "/claims/a11y-empty/activity", who="contributor",
          error_state=True),
    Entry("claim: what it is for, filled in", "claims.page", "/claims/a11y-claim/activity", who="contributor"),
    Entry("claim: your time", "claims.page", "/claims/a11y-empty/time", who="contributor", error_state=True),
    Entry("claim: your time, with the fee", "claims.page", "/claims/a11y-claim/time", who="contributor"),
    Entry("claim: expenses", "claims.page", "/claims/a11y-claim/expenses", who="contributor"),
    Entry("claim: receipts", "claims.page", "/claims/a11y-claim/receipts", who="contributor"),
    Entry("claim: check", "claims.page", "/claims/a11y-claim/check", who="contributor", error_state=True),
    Entry("claim: sent", "claims.done", "/claims/a11y-done/done", who="contributor"),
    Entry("your claims", "claims.yours", "/account/claims", who="contributor"),
    Entry("a claim with a question", "claims.claim", "/account/claims/TP-A11Y-CL", who="contributor",
          error_state=True),
    Entry("claims queue", "claims_staff.queue", "/staff/claims/?status=all", who="officer"),
    Entry("a claim (staff)", "claims_staff.claim", "/staff/claims/1", who="officer"),
    Entry("a claim with a question (staff)", "claims_staff.claim", "/staff/claims/2?q", who="officer"),
]

#: Routes that are not pages a person reads, and why.
NOT_PAGES: dict[str, str] = {
    "static": "files (CSS, JavaScript, icons)",
    "site.healthz": "JSON health check for the load balancer",
    "staff.sign_out": "POST only; redirects to the sign-in page",
    "staff.set_active": "POST only; redirects to the staff accounts page",
    "staff.task_done": "POST only; redirects to the tasks page",
    "staff.task_erase": "POST only; redirects to the tasks page",
    "account.data_download": "a JSON file to download, not a page",
    "account.delete_form": "POST only; redirects to your forms",
    "wizard.page": "test-only harness for drafts (real multi-page forms come with their rooms)",
    "staff.send_sign_in_email": "POST only; redirects to the contributor's record",
    "roles.status": "POST only; redirects to the role",
    "staff.act_for": "POST only; redirects to the person's details, filled in by staff",
    "staff.stop_acting_for": "POST only; redirects to the contributor's record",
    "staff.withdraw_supporter": "POST only; redirects to the contributor's record",
    "account.sign_out": "POST only; redirects to the sign-in page",
    "account.sign_out_everywhere": "POST only; redirects to the sign-in page",
    "account.withdraw_supporter": "POST only; redirects to the people-who-help page",
    "account.start_acting_for": "POST only; redirects to the details of the person being helped",
    "account.stop_acting_for": "POST only; redirects to the people-who-help page",
    "interest.start": "redirects to the first page of the interest form",
    "interest.resume": "redirects to the page of the interest form where the person left off",
    "interest.withdraw": "POST only; redirects to the roles you are interested in",
    "triage.change_status": "POST only; redirects (or, with htmx, returns the row: checked in test_axe)",
    "triage.add_note": "POST only; redirects to the interest",
    "finance.make_export": "POST only; redirects to the finance export page",
    "finance.download": "a CSV file to download, not a page",
    "claims.new": "redirects to \"who is filling this in\" or the first page of a claim",
    "claims.delete_receipt": "POST only; redirects to the receipts page",
    "claims.receipt": "a receipt file (image or PDF), not a page",
    "claims_staff.receipt": "a receipt file (image or PDF), not a page",
    "claims_staff.assign": "POST only; redirects to the claim",
    "claims_staff.query": "POST only; redirects (its error state is checked in test_claim_states.py)",
    "claims_staff.reject": "POST only; redirects (its error state is checked in test_claim_states.py)",
    "claims_staff.approve": "POST only; redirects (its error state is checked in test_claim_states.py)",
    "claims_staff.paid": "POST only; redirects to the claim",
    "claims_staff.bulk": "POST only; its confirm page is checked in test_claim_states.py",
    "finance.expense_rules": "POST only; redirects (its error state is checked in test_claim_states.py)",
}
