"""Acting for someone says so: a supporter's home lists the people they help, with what each
person lets them do, and every page they reach while acting uses the person's name, not "your"."""

from __future__ import annotations

from sqlalchemy import select

from app import db
from app.account.models import Contributor
from tests.account.test_acting_for import _claim_draft_for, _claim_in_query, _sam_and_chris
from tests.account.test_details import signed_in
from tests.claims.test_claim_journey import base, start
from tests.conftest import text_of
from tests.interests.helpers import ANSWERS, answer, published_role


def _card(page, person_id: int):  # type: ignore[no-untyped-def]
    return page.by_id(f"helping-{person_id}")


def _act_for(chris, person_id: int) -> str:  # type: ignore[no-untyped-def]
    return chris.post_redirect("/account/acting-for", {"contributor_id": str(person_id)}, token_from="/account/")


# --- 1. the supporter's home ------------------------------------------------------------------------------

def test_a_supporters_home_shows_the_people_they_help_with_what_they_may_do(app) -> None:
    _sam, sam_id, chris, _chris_id, _link = _sam_and_chris(app, ["fill_forms", "see_claims"])
    card = _card(chris.get("/account/?lang=en"), sam_id)
    assert card is not None and "Sam Example" in text_of(card)
    buttons = [text_of(b) for b in card.iter("button")]
    links = {text_of(a): a.get("href") for a in card.iter("a")}
    assert buttons == ["Fill in forms for Sam Example"]
    assert links["Sam Example's claims"] == f"/account/claims?person={sam_id}"
    # The claims link shows Sam's claims, in Sam's name, without acting for Sam.
    _claim_in_query(app, sam_id)
    theirs = chris.get(f"/account/claims?person={sam_id}&lang=en")
    assert theirs.h1 == "Sam Example's claims" and "Leaflet group" in theirs.text()
    # The button is the one way a supporter starts acting for someone: it goes to Sam's details.
    assert _act_for(chris, sam_id).endswith("/account/")
    assert chris.get("/account/?lang=en").h1 == "Details for Sam Example"


def test_only_what_the_person_allows_is_offered(app) -> None:
    _sam, sam_id, chris, _chris_id, _link = _sam_and_chris(app, ["see_claims"])
    card = _card(chris.get("/account/?lang=en"), sam_id)
    assert [text_of(b) for b in card.iter("button")] == []
    # Seeing claims lets them see Sam's claims and Sam's record of involvement (it shows payments).
    assert [text_of(a) for a in card.iter("a")] == ["Sam Example's claims", "Sam Example's involvement"]
    # Seeing someone's claims is not filling in forms for them: no "make a claim" for Sam here.
    theirs = chris.get(f"/account/claims?person={sam_id}&lang=en")
    assert "Make a claim" not in theirs.text()

    _sam2, sam2_id, chris2, _c2, _l2 = _sam_and_chris_again(app, ["fill_forms"])
    card = _card(chris2.get("/account/?lang=en"), sam2_id)
    assert [text_of(b) for b in card.iter("button")] == ["Fill in forms for Pat Example"]
    assert [text_of(a) for a in card.iter("a")] == []
    chris2.get(f"/account/claims?person={sam2_id}", expected_status=403)


def _sam_and_chris_again(app, permissions):  # type: ignore[no-untyped-def]
    """A second person (Pat) and helper (Robin), for a test that needs two links."""
    from tests.account.test_supporters import ADD, sign_in_as

    pat, pat_id = signed_in(app, name="Pat Example", email="pat@example.org")
    pat.post_redirect("/account/supporters/new", ADD | {"name": "Robin Helper", "email": "robin@example.org",
                                                       "permissions": permissions})
    with app.app_context():
        robin = db.session().scalar(select(Contributor).where(Contributor.email == "robin@example.org"))
    return pat, pat_id, sign_in_as(app, robin.id), robin.id, None


def test_a_withdrawn_or_unconfirmed_link_shows_nobody(app) -> None:
    sam, sam_id, chris, _chris_id, link_id = _sam_and_chris(app, ["fill_forms", "see_claims"])
    assert _card(chris.get("/account/?lang=en"), sam_id) is not None
    sam.post_redirect(f"/account/supporters/{link_id}/withdraw", {}, token_from="/account/supporters")
    home = chris.get("/account/?lang=en")
    assert _card(home, sam_id) is None and "Sam Example" not in home.text()
    chris.get(f"/account/claims?person={sam_id}", expected_status=403)


def test_someone_else_cannot_open_a_persons_claims_by_their_id(app) -> None:
    _sam, sam_id, _chris, _chris_id, _link = _sam_and_chris(app, ["fill_forms", "see_claims"])
    stranger, _ = signed_in(app, email="lee@example.org", name="Lee Stranger")
    stranger.get(f"/account/claims?person={sam_id}", expected_status=403)
    assert stranger.get("/account/claims?lang=en").h1 == "Your claims"


def test_names_are_escaped_and_isolated(app) -> None:
    _sam, sam_id, chris, _chris_id, _link = _sam_and_chris(app, ["fill_forms", "see_claims"])
    with app.app_context():
        db.session().get(Contributor, sam_id).known_as = "<b>سام</b>"
        db.session().commit()
    page = chris.get("/account/?lang=ar")
    assert "<b>سام</b>" not in page.html and "&lt;b&gt;سام&lt;/b&gt;" in page.html
    card = _card(page, sam_id)
    assert [text_of(b) for b in card.iter("bdi")] and all(text_of(b) == "<b>سام</b>" for b in card.iter("bdi"))


# --- 2. every page says whose it is --------------------------------------------------------------------------

def test_while_acting_the_claim_pages_say_the_persons_name(app) -> None:
    _sam, sam_id, chris, _chris_id, _link = _sam_and_chris(app, ["fill_forms", "see_claims"])
    _act_for(chris, sam_id)
    assert chris.get("/account/claims?lang=en").h1 == "Sam Example's claims"
    url = _claim_draft_for(chris, sam_id)
    time = chris.get(f"{url}/time?lang=en")
    assert time.h1 == "Sam Example's time"
    labels = [text_of(label) for label in time.findall(".//label")]
    assert "Pay Sam Example for their time" in labels and "Pay me for my time" not in labels
    check = chris.get(f"{url}/check?lang=en")
    assert check.h1 == "Check Sam Example's claim"
    assert "Payment for your time" not in check.text() and "Payment for their time" in check.text()
    done = chris.get(chris.post_redirect(f"{url}/check", {"declare": "yes"}) + "?lang=en")
    assert [text_of(a) for a in done.findall(".//main//a")] == ["See Sam Example's claims"]
    with app.app_context():
        from app.claims.models import Claim

        reference = db.session().scalar(select(Claim.reference))
    claim = chris.get(f"/account/claims/{reference}?lang=en")
    back = claim.find(".//main//a")
    assert text_of(back) == "Sam Example's claims" and back.get("href") == f"/account/claims?person={sam_id}"


def test_a_claim_started_for_someone_says_their_name_without_acting(app) -> None:
    _sam, sam_id, chris, _chris_id, _link = _sam_and_chris(app, ["fill_forms"])
    url = _claim_draft_for(chris, sam_id)
    assert chris.get(f"{url}/time?lang=en").h1 == "Sam Example's time"
    done = chris.get(chris.post_redirect(f"{url}/check", {"declare": "yes"}) + "?lang=en")
    assert "See Sam Example's claims" not in done.text() and "See your claims" not in done.text()


def test_the_person_themselves_still_reads_your(app) -> None:
    sam, _sam_id, _chris, _chris_id, _link = _sam_and_chris(app, ["fill_forms", "see_claims"])
    assert sam.get("/account/claims?lang=en").h1 == "Your claims"
    url = base(start(sam))
    time = sam.get(f"{url}/time?lang=en")
    assert time.h1 == "Your time" and "Pay me for my time" in [text_of(x) for x in time.findall(".//label")]
    home = sam.get("/account/?lang=en")
    assert home.by_id("people-you-help") is None


def test_while_acting_the_account_pages_say_the_persons_name(app) -> None:
    _sam, sam_id, chris, _chris_id, _link = _sam_and_chris(app, ["fill_forms", "see_claims"])
    _act_for(chris, sam_id)
    home = chris.get("/account/?lang=en")
    headings = [text_of(h) for h in home.findall(".//h2")]
    assert "About Sam Example" in headings and "About you" not in headings
    assert "What helps Sam Example take part" in headings
    links = [text_of(a) for a in home.findall(".//main//a")]
    assert "Sam Example's claims" in links and "Sam Example's meetings" in links
    assert chris.get("/account/meetings?lang=en").h1 == "Sam Example's meetings"
    assert chris.get("/account/interests?lang=en").h1 == "Roles Sam Example is interested in"


def test_the_interest_form_for_someone_asks_about_them(app) -> None:
    _sam, sam_id, chris, _chris_id, _link = _sam_and_chris(app, ["fill_forms"])
    role_id = published_role(app)
    chris.get_redirect(f"/roles/{role_id}/interest")
    answer(chris, role_id, "who", {"for_whom": str(sam_id)})
    taking_part = chris.get(f"/roles/{role_id}/interest/taking_part?lang=en")
    assert taking_part.h1 == "How and when Sam Example could take part"
    assert "How would they like to take part?" in taking_part.text()
    assert chris.get(f"/roles/{role_id}/interest/access?lang=en").h1 == "What would help Sam Example take part"
    assert chris.get(f"/roles/{role_id}/interest/agree?lang=en").h1 == "Keeping their details"


def test_the_someone_else_contact_page_asks_how_to_reach_them(app) -> None:
    role_id = published_role(app)
    helper, _ = signed_in(app, email="chris@example.org", name="Chris Carer")
    helper.get_redirect(f"/roles/{role_id}/interest")
    answer(helper, role_id, "who", {"for_whom": "someone"})
    answer(helper, role_id, "helper", {"relationship": "carer", "agreed": "yes"})
    contact = helper.get(f"/roles/{role_id}/interest/contact?lang=en")
    legends = [text_of(legend) for legend in contact.findall(".//legend")]
    assert "How can we reach them?" in legends
    assert "you" not in " ".join(text_of(label) for label in contact.findall(".//label")).lower().split()
    errors = helper.post(f"/roles/{role_id}/interest/contact?lang=en", ANSWERS["contact"] | {
        "name": "Sam Person", "email": "", "contact_channel": "post", "address": ""})
    assert errors.error_summary() == [("#address", "Enter their postal address so we can write to them")]
