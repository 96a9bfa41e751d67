"""Locale data for synthetic players: names, cities, phone prefixes, mail domains, devices."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Locale:
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    cities: tuple[str, ...]
    phone_prefix: str
    mail_domains: tuple[str, ...]


_INTL_MAIL = ("gmail.com", "outlook.com", "icloud.com", "yahoo.com", "proton.me")

_NORDIC_ENGLISH = ("Emma", "Liam", "Noah", "Olivia")  # common everywhere, keeps lists short

LOCALES: dict[str, Locale] = {
    "SE": Locale(
        ("Erik", "Lars", "Karl", "Anders", "Johan", "Per", "Maria", "Anna", "Eva", "Karin", "Sara",
         "Linnéa", "Oskar", "Elsa", "Astrid", "Björn", "Ingrid", "Sven", "Åsa", "Maja"),
        ("Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
         "Persson", "Svensson", "Gustafsson", "Lindqvist", "Lindström", "Bergström", "Öberg",
         "Sandberg", "Lundgren", "Hedlund", "Åkesson"),
        ("Stockholm", "Göteborg", "Malmö", "Uppsala", "Västerås", "Örebro", "Linköping", "Umeå"),
        "+46", ("telia.com", "hotmail.se", "bredband.net"),
    ),
    "FI": Locale(
        ("Juha", "Timo", "Mikko", "Jari", "Antti", "Sanna", "Tiina", "Päivi", "Aino", "Eero",
         "Helmi", "Ville", "Kaisa", "Onni", "Leena", "Matti"),
        ("Korhonen", "Virtanen", "Mäkinen", "Nieminen", "Mäkelä", "Hämäläinen", "Laine",
         "Heikkinen", "Koskinen", "Järvinen", "Lehtonen", "Saarinen"),
        ("Helsinki", "Espoo", "Tampere", "Vantaa", "Oulu", "Turku", "Jyväskylä", "Lahti"),
        "+358", ("elisanet.fi", "kolumbus.fi", "suomi24.fi"),
    ),
    "NO": Locale(
        ("Ole", "Jan", "Per", "Bjørn", "Kari", "Ingrid", "Nora", "Sindre", "Håkon", "Marit",
         "Solveig", "Jonas", "Ida", "Magnus"),
        ("Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen",
         "Jensen", "Karlsen", "Haugen", "Bakke", "Sæther", "Solberg"),
        ("Oslo", "Bergen", "Trondheim", "Stavanger", "Drammen", "Tromsø", "Kristiansand"),
        "+47", ("online.no", "hotmail.no", "getmail.no"),
    ),
    "DE": Locale(
        ("Lukas", "Leon", "Finn", "Jonas", "Paul", "Anna", "Lena", "Laura", "Julia", "Sophie",
         "Jürgen", "Stefan", "Sabine", "Monika", "Thomas", "Katrin", "Günter", "Jörg"),
        ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
         "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder"),
        ("Berlin", "Hamburg", "München", "Köln", "Frankfurt", "Stuttgart", "Düsseldorf", "Leipzig"),
        "+49", ("web.de", "gmx.de", "t-online.de"),
    ),
    "GB": Locale(
        ("Oliver", "George", "Harry", "Jack", "Jacob", "Amelia", "Isla", "Ava", "Mia", "Ivy",
         "Charlotte", "Thomas", "James", "Sophie", "Chloe", "Daniel", "Siobhan", "Rhys"),
        ("Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas",
         "Johnson", "Roberts", "Robinson", "Thompson", "Wright", "Walker", "O'Brien", "Hughes"),
        ("London", "Manchester", "Birmingham", "Leeds", "Glasgow", "Liverpool", "Bristol", "Cardiff"),
        "+44", ("btinternet.com", "sky.com", "hotmail.co.uk"),
    ),
    "CA": Locale(
        ("Ethan", "Lucas", "Benjamin", "William", "Chloé", "Charlotte", "Alice", "Zoé", "Aiden",
         "Priya", "Wei", "Mohammed", "Gabriel", "Madison"),
        ("Smith", "Brown", "Tremblay", "Martin", "Roy", "Gagnon", "Lee", "Wilson", "Johnson",
         "MacDonald", "Taylor", "Campbell", "Anderson", "Singh", "Chen", "Patel"),
        ("Toronto", "Ottawa", "Mississauga", "Hamilton", "London", "Brampton", "Kitchener"),
        "+1", ("rogers.com", "sympatico.ca", "bell.net"),
    ),
    "MT": Locale(
        ("Joseph", "Maria", "Carmen", "Luke", "Kurt", "Rebecca", "Nicole", "Matthew", "Julian"),
        ("Borg", "Camilleri", "Vella", "Farrugia", "Zammit", "Galea", "Micallef", "Grech", "Attard"),
        ("Valletta", "Sliema", "Birkirkara", "Mosta", "Qormi", "St. Julian's"),
        "+356", ("maltanet.net", "melita.com"),
    ),
    "IE": Locale(
        ("Seán", "Conor", "Aoife", "Niamh", "Ciarán", "Saoirse", "Patrick", "Róisín", "Darragh"),
        ("Murphy", "Kelly", "O'Sullivan", "Walsh", "Byrne", "Ryan", "O'Connor", "McCarthy", "Doyle"),
        ("Dublin", "Cork", "Galway", "Limerick", "Waterford", "Kilkenny"),
        "+353", ("eircom.net", "iol.ie"),
    ),
    "AT": Locale(
        ("Florian", "Tobias", "Elias", "Hannah", "Magdalena", "Katharina", "Maximilian", "Valentina"),
        ("Gruber", "Huber", "Bauer", "Wagner", "Pichler", "Steiner", "Moser", "Mayer", "Hofer"),
        ("Wien", "Graz", "Linz", "Salzburg", "Innsbruck", "Klagenfurt"),
        "+43", ("aon.at", "chello.at", "gmx.at"),
    ),
    "NZ": Locale(
        ("Oliver", "Jack", "Charlotte", "Isla", "Nikau", "Aroha", "Mason", "Ruby", "Tama"),
        ("Smith", "Wilson", "Williams", "Brown", "Taylor", "Ngata", "Walker", "Te Whata"),
        ("Auckland", "Wellington", "Christchurch", "Hamilton", "Dunedin", "Tauranga"),
        "+64", ("xtra.co.nz", "slingshot.co.nz"),
    ),
    "LU": Locale(
        ("Luc", "Marie", "Claude", "Anne", "Ben", "Lara", "Tom", "Sophie"),
        ("Schmit", "Muller", "Weber", "Wagner", "Hoffmann", "Thill", "Schroeder", "Reuter"),
        ("Luxembourg", "Esch-sur-Alzette", "Differdange", "Dudelange"),
        "+352", ("pt.lu", "internet.lu"),
    ),
    "EE": Locale(
        ("Martin", "Rasmus", "Sofia", "Maria", "Kristjan", "Liis", "Kadri", "Mihkel"),
        ("Tamm", "Saar", "Sepp", "Mägi", "Kask", "Kukk", "Rebane", "Ilves", "Pärn"),
        ("Tallinn", "Tartu", "Narva", "Pärnu", "Kohtla-Järve"),
        "+372", ("hot.ee", "mail.ee"),
    ),
}  # fmt: skip

for _locale in LOCALES.values():
    assert len(set(_locale.first_names)) == len(_locale.first_names)
del _locale


def ascii_slug(text: str) -> str:
    """ "Björn Öberg" -> "bjorn.oberg": usernames and mailboxes are ASCII."""
    folded = text.replace("ø", "o").replace("Ø", "O").replace("æ", "ae").replace("ß", "ss")
    plain = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    return ".".join(part for part in "".join(c if c.isalnum() else " " for c in plain.lower()).split())


def mail_domains(country: str) -> tuple[str, ...]:
    return LOCALES[country].mail_domains + _INTL_MAIL


DEVICES: tuple[tuple[str, int, str], ...] = (
    # (device, weight, user agent)
    ("desktop", 34, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                    "Chrome/131.0 Safari/537.36"),
    ("ios", 31, "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
                "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"),
    ("android", 29, "Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) "
                    "Chrome/131.0 Mobile Safari/537.36"),
    ("tablet", 6, "Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                  "Version/17.6 Mobile/15E148 Safari/604.1"),
)  # fmt: skip

AFFILIATES: tuple[str, ...] = tuple(f"AFF-{1000 + 37 * i}" for i in range(40))
CAMPAIGNS: tuple[str, ...] = (
    "welcome-q1", "spring-spins", "summer-cashback", "autumn-reload", "black-friday", "xmas-calendar",
    "euro-football", "hockey-playoffs", "live-casino-launch", "megaways-week", "app-install", "brand-search",
)  # fmt: skip
