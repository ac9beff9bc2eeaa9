"""Demo roles for ``flask demo-data``: four published roles (one paid by a local hourly rate) with easy read, one in Welsh too."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from app import db
from app.roles import service
from app.roles.models import Role

SYSTEM = ("system", None, "demo data")


def _role(title: str, **fields: object) -> dict[str, object]:
    today = date.today()
    base: dict[str, object] = {
        "title": title, "evenings_weekends": "no", "start_date": today + timedelta(days=30),
        "end_date": today + timedelta(days=150), "closing_date": today + timedelta(days=21),
        "dbs_needed": False, "confidentiality": "Drafts we share are not public yet. Please do not pass them on.",
        "adjustments": "Large print, breaks, interpreters including BSL, cameras off online, a carer or supporter "
                       "coming with you.",
        "support_offered": "A chat with Olu before the first meeting, a debrief afterwards, and help with claims.",
        "expenses_covered": "Travel, food on the day, care for someone you look after, and a support worker's costs.",
        "contact_name": "Olu Officer", "contact_phone": "0300 000 0000", "contact_email": "involvement@example.org",
    }
    return base | fields


ROLES = [
    _role(
        "Help us rewrite the crisis leaflet",
        purpose="Our crisis leaflet is hard to read. We want people who have used crisis services to help us "
                "make it clear.",
        can_change="You can change the words, the order and the pictures. The phone numbers and the legal "
                   "wording about your rights cannot change.",
        tasks="Read the draft, tell us what is unclear, and suggest better words. Your experience is the skill.",
        meetings="Two meetings of two hours, on weekday afternoons.",
        between_meetings="About an hour of reading before each meeting.",
        format="in_person", venue="The Hub, 1 High Street, Anytown",
        getting_there="Buses 12 and 14 stop outside. There are two blue-badge parking spaces.",
        venue_access="Step-free entrance, accessible toilet, hearing loop, and a quiet room.",
        payment_level="nihr_75", preparation="Reading the draft leaflet: about an hour, paid as part of the fee.",
        easy_read={"purpose": "Help us make the crisis leaflet easy to read.",
                   "tasks": "Read the leaflet. Tell us what is hard.",
                   "time": "Two meetings. Each one is two hours.",
                   "place": "The Hub on High Street.",
                   "payment": "We pay you £75 each time. We pay for your travel.",
                   "support": "Olu will help you. You can ask questions at any time."},
    ),
    _role(
        "Join the panel choosing our new ward manager",
        purpose="We are hiring a ward manager. People who have stayed on a ward will help choose them.",
        can_change="Your scores count the same as everyone else's on the panel. The job description is fixed.",
        tasks="Help write two questions, then interview four people with the rest of the panel.",
        meetings="One preparation meeting of one hour online, then one interview day.",
        between_meetings="Reading four application forms (about two hours).",
        format="mixed", venue="Online for the preparation; Oak House, Station Road for the interviews.",
        getting_there="A joining link is emailed. Oak House is five minutes' walk from the station.",
        venue_access="Step-free, with a quiet room for breaks.",
        payment_level="nihr_150", preparation="Reading applications and planning questions, about two hours.",
        dbs_needed=False,
        easy_read={"purpose": "Help us choose a new ward manager.",
                   "tasks": "Ask questions. Score the answers.",
                   "time": "One short meeting online. One full day.",
                   "place": "Online, then Oak House.",
                   "payment": "We pay you £150 for the day.",
                   "support": "We help you get ready. We talk after."},
    ),
    _role(
        "Give your views on our new website (by phone)",
        purpose="We are building a new website for the trust and want to hear what would help you find things.",
        can_change="The words, menus and pages. The trust's colours and logo are fixed.",
        tasks="A one-to-one phone call where you try some pages and tell us what you think.",
        meetings="One phone call of up to one hour, at a time that suits you, including evenings.",
        evenings_weekends="sometimes", between_meetings="None.",
        format="phone", venue="By phone: we call you.",
        getting_there="Choose a time and we will call you on the number you give us.",
        payment_level="nihr_25", preparation="None.",
        easy_read={"purpose": "Tell us about our new website.",
                   "tasks": "We phone you. You tell us what you think.",
                   "time": "One phone call. Up to one hour.",
                   "place": "At home, on the phone.",
                   "payment": "We pay you £25.",
                   "support": "You can stop at any time."},
    ),
    _role(
        "Peer support at the drop-in",
        purpose="Our Tuesday drop-in wants people with lived experience to welcome visitors and listen.",
        can_change="How the drop-in feels to people who come. Not its opening hours.",
        tasks="Welcome people, make tea, listen, and tell us what would help.",
        meetings="Tuesday afternoons, 2 to 4:15, as often as suits you.",
        between_meetings="None.",
        format="in_person", venue="The Hub, 1 High Street.", getting_there="Buses 12 and 40 stop outside.",
        venue_access="Step-free, an accessible toilet and a quiet room.",
        payment_level="local_peer_support", preparation="None. Training is paid too.",
        easy_read={"purpose": "Help at our drop-in.",
                   "tasks": "Say hello. Make tea. Listen.",
                   "time": "Tuesday afternoons.",
                   "place": "The Hub on the High Street.",
                   "payment": "We pay you for each hour.",
                   "support": "Olu helps you. You can stop at any time."},
    ),
]

WELSH = {
    "title": "Helpwch ni i ailysgrifennu'r daflen argyfwng",
    "purpose": "Mae ein taflen argyfwng yn anodd ei darllen. Rydym am i bobl sydd wedi defnyddio gwasanaethau "
               "argyfwng ein helpu i'w gwneud yn glir.",
    "easy_read": {"purpose": "Helpwch ni i wneud y daflen argyfwng yn hawdd ei darllen.",
                  "tasks": "Darllenwch y daflen. Dywedwch wrthym beth sy'n anodd.",
                  "time": "Dau gyfarfod. Mae pob un yn ddwy awr.",
                  "place": "Yr Hyb ar y Stryd Fawr.",
                  "payment": "Rydym yn talu £75 i chi bob tro. Rydym yn talu am eich teithio.",
                  "support": "Bydd Olu yn eich helpu. Gallwch ofyn cwestiynau unrhyw bryd."},
}


def load() -> int:
    """Add the demo roles once; returns how many were added."""
    if db.session().scalar(select(Role.id).limit(1)) is not None:
        return 0
    from app.claims.demo import local_rate

    local_rate()  # the peer support role pays the organisation's own hourly rate
    for values in ROLES:
        role = service.create(values, SYSTEM)
        service.publish(role, SYSTEM)
        if values["title"] == "Help us rewrite the crisis leaflet":
            service.save_translation(role, "cy", WELSH, SYSTEM)
    return len(ROLES)
