"""Country names as news writes them, mapped to one canonical name: "US", "U.S.", "USA",
"America", "the United States of America" are all "United States".

The names come from pycountry (ISO 3166: short, official and common names), maintained upstream; the
short forms newsrooms use and ISO does not list (US, UK, Britain, Russia, Turkey, ...) are added
here. ISO codes are deliberately not aliases: "AI" (Anguilla), "IT", "CAN" or "MAC" in running text
are almost never the country.
"""

from __future__ import annotations

import re
from functools import lru_cache

# newsroom forms that ISO 3166 does not give, by ISO alpha-2 code
EXTRA = {
    "US": ["US", "USA", "America", "United States", "the States"],
    "GB": ["UK", "Britain", "Great Britain"],
    "RU": ["Russia"],
    "TR": ["Turkey"],
    "CZ": ["Czech Republic"],
    "KR": ["South Korea", "Republic of Korea", "ROK"],
    "KP": ["North Korea", "DPRK"],
    "CN": ["PRC", "People's Republic of China", "Mainland China"],
    "AE": ["UAE", "Emirates"],
    "NL": ["Holland", "the Netherlands"],
    "CI": ["Ivory Coast"],
    "MM": ["Burma"],
    "CD": ["DR Congo", "DRC", "Democratic Republic of the Congo"],
    "CG": ["Republic of the Congo"],
    "VA": ["Vatican", "Vatican City"],
    "PS": ["Palestine", "Palestinian territories"],
    "SZ": ["Swaziland"],
    "MK": ["Macedonia"],
    "CV": ["Cape Verde"],
    "TL": ["East Timor"],
    "FM": ["Micronesia"],
}


def normalize(text: str) -> str:
    """Case, dots ("U.S."), a leading "the" and spacing do not matter."""
    t = text.replace("’", "'").replace(".", "").strip()
    t = re.sub(r"^the\s+", "", t, flags=re.I)
    return re.sub(r"\s+", " ", t).lower()


@lru_cache(maxsize=1)
def _table() -> dict[str, str]:
    import pycountry  # when a name is first looked up, not when storyline is imported

    table: dict[str, str] = {}
    for c in pycountry.countries:
        canonical = getattr(c, "common_name", None) or c.name
        forms = [c.name, getattr(c, "official_name", None), getattr(c, "common_name", None)]
        if ", " in c.name:  # "Korea, Republic of" is also written "Republic of Korea"
            head, tail = c.name.split(", ", 1)
            forms.append(f"{tail} {head}")
        forms += EXTRA.get(c.alpha_2, [])
        for f in forms:
            if f:
                table.setdefault(normalize(f), canonical)
    # a newsroom form wins over an ISO name that happens to spell the same
    for code, extra in EXTRA.items():
        country = pycountry.countries.get(alpha_2=code)
        if country is not None:
            for f in extra:
                table[normalize(f)] = getattr(country, "common_name", None) or country.name
    return table


def country(text: str) -> str | None:
    """The canonical country name ``text`` denotes, or None."""
    return _table().get(normalize(text))
