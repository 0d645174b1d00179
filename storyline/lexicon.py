"""Word lists shared by extraction (which needs spaCy) and resolution (which must not import it, so
the readers and the web server start without loading a model)."""

from __future__ import annotations

# Nouns that describe a person's role. A name with one of these in apposition is a person,
# whatever the small NER model says, and a "the <role>" phrase is a descriptor mention.
PERSON_ROLES = {
    "ceo", "chief", "executive", "founder", "co-founder", "cofounder", "chairman", "chairwoman",
    "chair", "president", "spokesman", "spokeswoman", "spokesperson", "minister", "senator",
    "billionaire", "investor", "director", "analyst", "lawyer", "attorney", "judge", "officer",
    "secretary", "governor", "mayor", "representative", "official", "manager", "head", "leader",
    "partner", "economist", "professor", "researcher", "engineer", "entrepreneur", "owner",
    "cfo", "cto", "coo", "chancellor", "prosecutor", "regulator", "commissioner", "adviser",
    "advisor", "reporter", "editor", "columnist", "candidate", "lawmaker", "congressman",
    "congresswoman", "mogul", "tycoon", "boss", "banker", "trader", "strategist", "counsel",
    "shareholder", "activist", "vice", "deputy", "member", "trustee", "scientist", "king",
    "queen", "prince", "pope", "general", "colonel", "captain", "ambassador", "premier",
}
ORG_ROLES = {
    "company", "firm", "group", "startup", "start-up", "maker", "manufacturer", "bank", "ministry",
    "department", "agency", "regulator", "commission", "court", "government", "board", "union",
    "carrier", "airline", "insurer", "retailer", "lender", "fund", "conglomerate", "giant",
    "developer", "publisher", "outlet", "newspaper", "network", "automaker", "carmaker",
    "chipmaker", "operator", "provider", "platform", "exchange", "authority", "parliament",
    "committee", "council", "office", "organization", "organisation", "party", "team",
    "subsidiary", "rival", "buyer", "acquirer", "bidder", "target", "unit", "division",
}
# Administrative subdivisions: a figure "in the X district" is about a part of a place, not all of it.
SUBUNITS = {"district", "regency", "village", "county", "subdistrict", "town", "neighbourhood", "neighborhood"}
