"""Entity resolution across articles: one entity per real-world actor.

Rules, in order, each recorded as evidence on the entity it joins:

1. identical names (after trimming possessives, curly apostrophes, a leading "the") are one group,
   and the group's type is voted over all its mentions (the small NER model calls many people ORG);
2. a one-word name joins the multi-word name it is the surname or first name of: first within
   its own article, else across the collection when exactly one such name exists; two people who
   share a surname stay apart, and the doubt is recorded as a candidate link with a score;
3. an organisation's short name joins a longer one only when the extra words are corporate suffixes
   ("Vexa" ~ "Vexa Inc"), newspaper short forms ("the Times" ~ "The New York Times") or an acronym of
   it ("NYT"); "Amazon" never joins "Amazon Web Services", and "Block" never "Blockstream" (token
   boundaries, not prefixes);
4. descriptors bound to a name ("Lina Park, Vexa's chief executive") are collected on its entity; a
   free descriptor ("the Vexa CEO said") resolves when it points to exactly one entity;
5. pronouns take the entity of the name the extractor resolved them to.

Blocking: names are indexed by their tokens, so each lookup touches only names that share a word,
and the cost grows with mentions, not with pairs of mentions.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ..model import ArticleAnalysis, CandidateLink, Entity, EntityMention, Mention

CORPORATE = {"inc", "corp", "corporation", "co", "company", "ltd", "llc", "plc", "group", "holdings",
             "ag", "sa", "se", "nv", "gmbh", "limited", "incorporated", "&"}
# one generic industry word after a company's short name ("Orbital Dynamics") is still that
# company; two words ("Amazon Web Services") make a different body.
INDUSTRY = {"dynamics", "technologies", "technology", "systems", "labs", "motors", "airlines",
            "airways", "pharmaceuticals", "pharma", "energy", "industries", "networks", "robotics",
            "aerospace", "media", "entertainment", "therapeutics", "semiconductor", "semiconductors",
            "software", "communications", "telecom", "financial", "foods", "brands", "international",
            "global", "resources", "motor", "electronics", "biotech", "bank", "airline"}
NEWSPAPER_HEADS = {"times", "post", "journal", "herald", "tribune", "guardian", "telegraph",
                   "globe", "chronicle", "gazette", "economist", "independent", "observer"}
STOP = {"of", "the", "and", "for", "&", "de", "la", "du"}
ROLE_SYNONYMS = [
    (r"\bchief executive officer\b", "ceo"), (r"\bchief executive\b", "ceo"),
    (r"\bchief financial officer\b", "cfo"), (r"\bchief technology officer\b", "cto"),
    (r"\bco-?founder\b", "founder"), (r"\bspokes(?:man|woman|person)\b", "spokesperson"),
    (r"\bchair(?:man|woman)\b", "chair"),
]
PERSONISH = {"PERSON"}
ORGISH = {"ORG", "NORP", "FAC"}
PLACEISH = {"GPE", "LOC"}


def name_key(text: str) -> str:
    t = text.replace("’", "'").strip()
    t = re.sub(r"'s?$", "", t)
    t = re.sub(r"^(the|The)\s+", "", t)
    return re.sub(r"\s+", " ", t).strip(" .,;:")


def descriptor_key(text: str) -> str:
    t = text.lower().replace("’", "'")
    t = re.sub(r"^(the|a|an)\s+", "", t)
    t = re.sub(r"'s\b", "", t)
    for pat, rep in ROLE_SYNONYMS:
        t = re.sub(pat, rep, t)
    return re.sub(r"\s+", " ", t).strip(" .,;:")


def _initials(words: list[str]) -> str:
    return "".join(w[0] for w in words if w.lower() not in STOP and w[:1].isalpha()).upper()


@dataclass
class Group:
    """All mentions written the same way (after normalization)."""

    key: str
    mentions: list[Mention] = field(default_factory=list)
    labels: Counter[str] = field(default_factory=Counter)
    parent: Group | None = None
    evidence: list[str] = field(default_factory=list)
    candidates: list[CandidateLink] = field(default_factory=list)

    @property
    def words(self) -> list[str]:
        return self.key.split()

    def root(self) -> Group:
        g = self
        while g.parent is not None:
            g = g.parent
        return g


def _vote(labels: Counter[str]) -> str:
    merged: Counter[str] = Counter()
    for label, n in labels.items():
        if label in PLACEISH:
            merged["GPE"] += n
        elif label:
            merged[label] += n
    if not merged:
        return "ORG"
    return merged.most_common(1)[0][0]


def _join(child: Group, parent: Group, reason: str) -> None:
    c, p = child.root(), parent.root()
    if c is p:
        return
    c.parent = p
    p.evidence.append(f"{reason}: {child.key!r} -> {parent.key!r}")


def resolve_entities(analyses: list[ArticleAnalysis]) -> tuple[list[Entity], dict[tuple[str, int], str]]:
    """Cluster mentions into entities. Returns the entities and a map (article, start) -> entity id."""
    groups: dict[str, Group] = {}
    descriptor_votes: dict[str, Counter[str]] = defaultdict(Counter)
    by_article: dict[str, list[Group]] = defaultdict(list)
    for an in analyses:
        for m in an.mentions:
            if m.kind != "name":
                continue
            key = name_key(m.text)
            if not key or not any(ch.isalpha() for ch in key):
                continue
            g = groups.setdefault(key, Group(key))
            g.mentions.append(m)
            g.labels[m.label] += 1
            # identity, not equality: a dataclass == compares every mention, and this runs per mention
            if not any(x is g for x in by_article[m.article]):
                by_article[m.article].append(g)
        # a name with a person-role descriptor is a person: count it as a strong vote
        for m in an.mentions:
            if m.kind == "descriptor" and m.ref_start is not None:
                name = name_key(an.article.text[m.ref_start : m.ref_end])
                if name in groups and m.label:
                    groups[name].labels[m.label] += 2
                descriptor_votes[name][descriptor_key(m.text)] += 1
    # an outlet that publishes articles in the collection is an organisation, whatever NER said
    outlets = {name_key(an.article.source) for an in analyses if an.article.source}
    for key in outlets & set(groups):
        groups[key].labels["ORG"] += 1000
    types = {k: _vote(g.labels) for k, g in groups.items()}

    # index multi-word names by each of their words (blocking)
    by_word: dict[str, list[Group]] = defaultdict(list)
    for g in groups.values():
        if len(g.words) > 1:
            for w in set(g.words):
                by_word[w].append(g)

    def person_full_names(word: str, pool: list[Group] | None = None) -> list[Group]:
        cands = by_word.get(word, [])
        if pool is not None:
            cands = [c for c in cands if c in pool]
        return [c for c in cands if types[c.key] in PERSONISH and (c.words[-1] == word or c.words[0] == word)]

    # rule 2: surnames and first names. Article-local evidence first.
    for g in groups.values():
        if len(g.words) != 1:
            continue
        word = g.words[0]
        if types[g.key] in PLACEISH and g.labels.get("GPE", 0) + g.labels.get("LOC", 0) > len(g.mentions) / 2:
            continue
        everywhere = person_full_names(word)
        if not everywhere:
            continue
        if len(everywhere) == 1:
            _join(g, everywhere[0], "surname or first name, unique in the collection")
            continue
        # ambiguous across the collection: decide per article, keep the rest apart
        local_hits: Counter[str] = Counter()
        for art_groups in by_article.values():
            if g not in art_groups:
                continue
            local = person_full_names(word, art_groups)
            if len(local) == 1:
                local_hits[local[0].key] += 1
        if len(local_hits) == 1:
            target = groups[next(iter(local_hits))]
            _join(g, target, "surname in the same article as one full name only")
        else:
            for c in everywhere:
                g.candidates.append(
                    CandidateLink(c.key, round(1 / len(everywhere), 2), f"{word!r} is shared by {len(everywhere)} people")
                )

    # rule 3: organisation short forms and acronyms
    for g in groups.values():
        if types[g.key] in PERSONISH:
            continue
        words = g.words
        for cand in by_word.get(words[0], []):
            if cand is g or len(cand.words) <= len(words) or types[cand.key] in PERSONISH:
                continue
            if cand.words[: len(words)] == words:
                extra = [w.lower().strip(".,") for w in cand.words[len(words) :]]
                if all(w in CORPORATE for w in extra):
                    _join(g, cand, "short name of a company (corporate suffix)")
                elif len(extra) == 1 and extra[0] in INDUSTRY:
                    _join(g, cand, "short name of a company (one industry word)")
                else:
                    g.candidates.append(CandidateLink(cand.key, 0.3, f"{cand.key!r} extends {g.key!r} with other words"))
        if len(words) == 1 and words[0].lower() in NEWSPAPER_HEADS:
            papers = [c for c in by_word.get(words[0], []) if c.words[-1] == words[0]]
            if len(papers) == 1:
                _join(g, papers[0], "newspaper short form")
        if len(words) == 1 and words[0].isupper() and 2 <= len(words[0]) <= 6:
            hits = [c for c in groups.values() if len(c.words) > 1 and _initials(c.words) == words[0]]
            if len(hits) == 1:
                _join(g, hits[0], "acronym")

    # build entities from group roots
    roots: dict[int, list[Group]] = defaultdict(list)
    for g in groups.values():
        roots[id(g.root())].append(g)
    entities: list[Entity] = []
    index: dict[tuple[str, int], str] = {}
    used_ids: set[str] = set()
    for members in roots.values():
        labels: Counter[str] = Counter()
        for g in members:
            labels.update(g.labels)
        # the fullest proper name: most words, then most mentions
        best = max(members, key=lambda g: (len(g.words), len(g.mentions)))
        etype = _vote(labels)
        eid = _entity_id(best.key, used_ids)
        mentions = sorted(
            (EntityMention(m.article, m.start, m.end, m.text, "name") for g in members for m in g.mentions),
            key=lambda x: (x.article, x.start),
        )
        descriptors: list[str] = []
        for g in members:
            for d, _ in descriptor_votes.get(g.key, Counter()).most_common():
                if d not in descriptors:
                    descriptors.append(d)
        ent = Entity(
            id=eid, name=best.key, type=etype,
            aliases=sorted({g.key for g in members if g is not best}),
            descriptors=descriptors, mentions=mentions,
            evidence=[e for g in members for e in g.evidence],
            candidates=[c for g in members for c in g.candidates],
        )
        entities.append(ent)
        for m in mentions:
            index[(m.article, m.start)] = eid
    by_key = {name_key(a): e for e in entities for a in [e.name, *e.aliases]}
    for e in entities:
        for c in e.candidates:
            c.other = by_key[c.other].id if c.other in by_key else c.other
    _attach_descriptors_and_pronouns(analyses, entities, index)
    entities.sort(key=lambda e: (-len(e.mentions), e.name))
    return entities, index


def _entity_id(name: str, used: set[str]) -> str:
    base = "e-" + (re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "x")
    eid, n = base, 2
    while eid in used:
        eid, n = f"{base}-{n}", n + 1
    used.add(eid)
    return eid


def _attach_descriptors_and_pronouns(
    analyses: list[ArticleAnalysis], entities: list[Entity], index: dict[tuple[str, int], str]
) -> None:
    by_id = {e.id: e for e in entities}
    by_descriptor: dict[str, set[str]] = defaultdict(set)
    for e in entities:
        for d in e.descriptors:
            by_descriptor[d].add(e.id)
    for an in analyses:
        for m in an.mentions:
            if m.kind == "name":
                continue
            eid = None
            if m.ref_start is not None:
                eid = index.get((m.article, m.ref_start))
            elif m.kind == "descriptor":
                owners = by_descriptor.get(descriptor_key(m.text), set())
                if len(owners) == 1:
                    eid = next(iter(owners))
                    by_id[eid].evidence.append(f"descriptor {m.text!r} points to one entity only")
            if eid is None:
                continue
            index[(m.article, m.start)] = eid
            by_id[eid].mentions.append(EntityMention(m.article, m.start, m.end, m.text, m.kind))
    for e in entities:
        e.mentions.sort(key=lambda x: (x.article, x.start))
