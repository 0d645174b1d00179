"""Entity resolution across articles: one entity per real-world actor.

Rules, in order, each recorded as evidence on the entity it joins:

1. identical names (after trimming possessives, curly apostrophes, a leading "the") are one group,
   and the group's type is voted over all its mentions (the small NER model calls many people ORG),
   a cue in the text (a title, a corporate suffix, a role descriptor) weighing more than a bare label;
2. a one-word name joins the multi-word name it is the surname or first name of: first within
   its own article, else across the collection when exactly one such name exists; two people who
   share a surname stay apart, and the doubt is recorded as candidate links, the full name seen
   with the surname in most articles first;
3. an organisation's short name joins a longer one only when the extra words are corporate suffixes
   ("Vexa" ~ "Vexa Inc"), one industry word ("Ford" ~ "Ford Motor Co"), or newspaper short forms
   ("the Times" ~ "The New York Times"); "Amazon" never joins "Amazon Web Services", "Block" never
   "Blockstream" (token boundaries, not prefixes), a place or a nationality never the company named
   after it ("Singapore" ~ "Singapore Airlines"), and a company never the division named after it;
4. country names join across their forms ("US", "U.S.", "America", "United States"; pycountry);
5. an acronym joins the name the text defines it for ("General Motors Corporation (GM)"), else the
   one name in the collection whose initials it spells; several meanings stay candidates;
6. descriptors bound to a name ("Lina Park, Vexa's chief executive") are collected on its entity; a
   free descriptor ("the Vexa CEO said") resolves when it points to exactly one entity;
7. pronouns take the entity of the name the extractor resolved them to.

Blocking keeps every rule linear in the mentions: names are indexed once by their words, their
word prefixes, their initials and, per article, by the words of the people named there, so a
lookup touches only names that can match, however often a surname or an acronym recurs.
"""

from __future__ import annotations

import gc
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter

from ..countries import country
from ..model import ArticleAnalysis, CandidateLink, Entity, EntityMention, Mention

CORPORATE = {"inc", "corp", "corporation", "co", "company", "ltd", "llc", "plc", "group", "holdings",
             "ag", "sa", "se", "nv", "gmbh", "limited", "incorporated", "&", "spa", "bv", "lp", "llp"}
# one generic industry word after a company's short name ("Orbital Dynamics") is still that
# company; two words ("Amazon Web Services") make a different body.
INDUSTRY = {"dynamics", "technologies", "technology", "systems", "labs", "motors", "airlines",
            "airways", "pharmaceuticals", "pharma", "energy", "industries", "networks", "robotics",
            "aerospace", "media", "entertainment", "therapeutics", "semiconductor", "semiconductors",
            "software", "communications", "telecom", "financial", "foods", "brands", "international",
            "global", "resources", "motor", "electronics", "biotech", "bank", "airline", "computer",
            "computers"}
NEWSPAPER_HEADS = {"times", "post", "journal", "herald", "tribune", "guardian", "telegraph",
                   "globe", "chronicle", "gazette", "economist", "independent", "observer"}
# a longer name described as one of these is a part of the company, not the company
PART_OF = {"division", "unit", "subsidiary", "arm", "spinoff", "spin-off", "affiliate", "brand", "label"}
STOP = {"of", "the", "and", "for", "&", "de", "la", "du", "in", "on", "at", "to", "a", "an"}
ROLE_SYNONYMS = [
    (r"\bchief executive officer\b", "ceo"), (r"\bchief executive\b", "ceo"),
    (r"\bchief financial officer\b", "cfo"), (r"\bchief technology officer\b", "cto"),
    (r"\bco-?founder\b", "founder"), (r"\bspokes(?:man|woman|person)\b", "spokesperson"),
    (r"\bchair(?:man|woman)\b", "chair"),
]
PERSONISH = {"PERSON"}
ORGISH = {"ORG", "NORP", "FAC"}
PLACEISH = {"GPE", "LOC"}
MAX_CANDIDATES = 5
# a bare surname in an article without a full name goes to the person who holds this share of the
# articles where the surname does come with one full name
DOMINANT = 0.75


@lru_cache(maxsize=1 << 16)
def name_key(text: str) -> str:
    # cached: the same names are keyed again by every stage and every re-resolution of a story
    t = text.replace("’", "'").strip()
    t = re.sub(r"'s?$", "", t)
    t = re.sub(r"^(the|The)\s+", "", t)
    return re.sub(r"\s+", " ", t).strip(" .,;:")


@lru_cache(maxsize=1 << 16)
def _group_key(text: str) -> str:
    """The name key a name mention is grouped by, or "" for one with no letter in it."""
    key = name_key(text)
    return key if any(ch.isalpha() for ch in key) else ""


@lru_cache(maxsize=1 << 14)
def descriptor_key(text: str) -> str:
    t = text.lower().replace("’", "'")
    t = re.sub(r"^(the|a|an)\s+", "", t)
    t = re.sub(r"'s\b", "", t)
    for pat, rep in ROLE_SYNONYMS:
        t = re.sub(pat, rep, t)
    return re.sub(r"\s+", " ", t).strip(" .,;:")


def _initials(words: list[str]) -> str:
    return "".join(w[0] for w in words if w.lower() not in STOP and w[:1].isalpha()).upper()


def _bare(word: str) -> str:
    return word.lower().strip(".,")


def initials_variants(words: list[str]) -> set[str]:
    """The acronyms a name can go by: its initials with and without trailing corporate suffixes
    ("General Motors Corporation": GMC and GM), and with hyphenated words split ("Latter-Day")."""
    out = set()
    core = list(words)
    while len(core) > 1 and _bare(core[-1]) in CORPORATE:
        core.pop()
    for ws in (words, core):
        out.add(_initials(ws))
        out.add(_initials([p for w in ws for p in w.split("-") if p]))
    return {x for x in out if len(x) >= 2}


@lru_cache(maxsize=1 << 14)
def _key_initials(key: str) -> frozenset[str]:
    """``initials_variants`` of a name key's words, worked out once per name."""
    return frozenset(initials_variants(key.split()))


@lru_cache(maxsize=1 << 14)
def acronym_key(key: str) -> str | None:
    """"GM", "U.S.", "EADS", "AT&T" as the bare capitals they spell, or None if ``key`` is no acronym."""
    if " " in key:
        return None
    letters = key.replace(".", "").replace("&", "").replace("-", "")
    if not (2 <= len(letters) <= 8) or not letters.isalnum() or not letters[0].isalpha():
        return None
    upper = sum(ch.isupper() for ch in letters)
    # "EADS", "USAF", "FLDS"; "NYSE"; not "Apple" or "iPod"
    if upper < 2 or upper < len([ch for ch in letters if ch.isalpha()]) - 1:
        return None
    return "".join(ch for ch in letters if ch.isalpha()).upper()


@dataclass(eq=False)
class Group:
    """All mentions written the same way (after normalization). Compared by identity."""

    key: str
    mentions: list[Mention] = field(default_factory=list)
    labels: Counter[str] = field(default_factory=Counter)
    parent: Group | None = None
    evidence: list[str] = field(default_factory=list)
    candidates: list[CandidateLink] = field(default_factory=list)
    articles: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.words = self.key.split()

    def root(self) -> Group:
        g = self
        while g.parent is not None:
            g = g.parent
        # path halving keeps the chains short when many names join one entity
        if g is not self:
            self.parent = g
        return g


def _vote(labels: Counter[str]) -> str:
    merged: dict[str, int] = {}
    for label, n in labels.items():
        if label in PLACEISH:
            merged["GPE"] = merged.get("GPE", 0) + n
        elif label:
            merged[label] = merged.get(label, 0) + n
    if not merged:
        return "ORG"
    # the first label with the most votes, as Counter.most_common(1) gives it, without the Counter
    return max(merged.items(), key=itemgetter(1))[0]


def _join(child: Group, parent: Group, reason: str) -> None:
    c, p = child.root(), parent.root()
    if c is p:
        return
    c.parent = p
    p.evidence.append(f"{reason}: {child.key!r} -> {parent.key!r}")


def _suggest(g: Group, ranked: list[tuple[Group, float]], reason: str) -> None:
    """Candidate links, the likeliest first, at most ``MAX_CANDIDATES``."""
    ranked = sorted(ranked, key=lambda x: (-x[1], -len(x[0].mentions), x[0].key))
    for c, score in ranked[:MAX_CANDIDATES]:
        g.candidates.append(CandidateLink(c.key, round(score, 2), reason))


def _collect(analyses: list[ArticleAnalysis]) -> tuple[dict[str, Group], dict[str, Counter[str]], dict[str, Counter[str]]]:
    """Name groups with their label votes, descriptors by name, and text-defined aliases."""
    groups: dict[str, Group] = {}
    descriptor_votes: dict[str, Counter[str]] = defaultdict(Counter)
    defined: dict[str, Counter[str]] = defaultdict(Counter)  # alias key -> long name keys
    for an in analyses:
        for m in an.mentions:
            if m.kind != "name":
                continue
            key = _group_key(m.text)
            if not key:
                continue
            g = groups.get(key)
            if g is None:
                g = groups[key] = Group(key)
            g.mentions.append(m)
            # a label fixed by a cue in the text ("Mr.", "Inc.") outweighs the model's guesses
            g.labels[m.label] += 3 if m.cue else 1
            g.articles.add(m.article)
            if m.ref_start is not None and m.ref_end is not None:
                # "General Motors Corporation (GM)": the text defines this name as an alias
                defined[key][name_key(an.article.text[m.ref_start : m.ref_end])] += 1
        # a name with a role descriptor is a person (or an organisation): a strong vote
        for m in an.mentions:
            if m.kind == "descriptor" and m.ref_start is not None:
                name = name_key(an.article.text[m.ref_start : m.ref_end])
                if name in groups and m.label:
                    groups[name].labels[m.label] += 2
                descriptor_votes[name][descriptor_key(m.text)] += 1
    # an outlet that publishes articles in the collection is an organisation, whatever NER said
    for an in analyses:
        key = name_key(an.article.source) if an.article.source else ""
        if key in groups and groups[key].labels["ORG"] < 1000:
            groups[key].labels["ORG"] += 1000
    return groups, descriptor_votes, defined


def _split_by_article(g: Group, parts: dict[int, set[str]]) -> dict[int, Group]:
    """The mentions of ``g`` in each set of articles as groups of their own (same key), in one
    pass over the mentions: a surname shared by hundreds of people is split in linear time."""
    owner = {art: rid for rid, arts in parts.items() for art in arts}
    out: dict[int, Group] = {}
    kept: list[Mention] = []
    for m in g.mentions:
        rid = owner.get(m.article)
        if rid is None:
            kept.append(m)
            continue
        part = out.get(rid)
        if part is None:
            part = out[rid] = Group(g.key)
            part.articles = set(parts[rid])
        part.mentions.append(m)
        w = 3 if m.cue else 1
        part.labels[m.label] += w
        g.labels[m.label] -= w
    g.mentions = kept
    g.labels = +g.labels  # drop the counts that fell to zero
    g.articles -= set(owner)
    return out


def _join_headline_forms(groups: dict[str, Group]) -> None:
    """Rule 1b: "WILLIAMS" and "MAURICE CHEEKS" (headlines, datelines) are the names written
    normally elsewhere in the collection."""
    for g in groups.values():
        letters = [ch for ch in g.key if ch.isalpha()]
        if len(letters) >= 5 and g.key.isupper():
            twin = groups.get(g.key.title())
            if twin is not None and twin is not g:
                # moved, not linked: the surname rules below may split the twin by article
                twin.mentions += g.mentions
                twin.labels.update(g.labels)
                twin.articles |= g.articles
                twin.evidence.append(f"the same name in capitals: {g.key!r} -> {twin.key!r}")
                g.mentions, g.articles = [], set()


def _join_people(groups: dict[str, Group], types: dict[str, str]) -> list[Group]:
    """Rule 2: a surname or first name joins its full name. Returns the groups split off a name
    shared by several people (one per person, with that person's articles)."""
    # full names of people by their first and last word, across the collection and per article
    everywhere: dict[str, list[Group]] = defaultdict(list)
    local: dict[tuple[str, str], list[Group]] = defaultdict(list)
    for g in groups.values():
        if len(g.words) > 1 and types[g.key] in PERSONISH:
            for w in {g.words[0], g.words[-1]}:
                everywhere[w].append(g)
                for art in g.articles:
                    local[(art, w)].append(g)
    # "Comedian Ellen DeGeneres", "Hire Maurice Cheeks": a word the tagger took into a known
    # full name, at its start
    for g in groups.values():
        if len(g.words) > 2 and types[g.key] in PERSONISH:
            rest = groups.get(" ".join(g.words[1:]))
            if rest is not None and types[rest.key] in PERSONISH:
                _join(g, rest, "a known full name after a leading word")
    # "Regina M. Benjamin" is "Regina Benjamin": the same first and last name around initials
    for full in everywhere.values():
        plain = {(c.words[0], c.words[-1]): c for c in full if len(c.words) == 2}
        for c in full:
            if len(c.words) > 2 and all(len(w.rstrip(".")) == 1 for w in c.words[1:-1]):
                short = plain.get((c.words[0], c.words[-1]))
                if short is not None:
                    _join(c, short, "the same name without its middle initial")
    split_off: list[Group] = []
    for g in list(groups.values()):
        if len(g.words) != 1:
            continue
        word = g.words[0]
        if types[g.key] in PLACEISH and g.labels.get("GPE", 0) + g.labels.get("LOC", 0) > len(g.mentions) / 2:
            continue
        full = everywhere.get(word, [])
        roots = {id(c.root()): c for c in full}
        if not roots:
            continue
        if len(roots) == 1:
            _join(g, full[0], "surname or first name, unique in the collection")
            continue
        # shared by several people: in each article, the one full name written there
        by_target: dict[int, set[str]] = defaultdict(set)
        targets: dict[int, Group] = {}
        # articles in order: which full name of one person the evidence names (the last article's:
        # "Paul D. Ryan" or "Paul Ryan") must not follow the hash seed
        for art in sorted(g.articles):
            here = {id(c.root()): c for c in local.get((art, word), [])}
            if len(here) == 1:
                (rid, target), = here.items()
                by_target[rid].add(art)
                targets[rid] = target
        if len(by_target) == 1 and next(iter(by_target.values())) == g.articles:
            _join(g, targets[next(iter(by_target))], "surname in the same article as one full name only")
            continue
        for rid, part in _split_by_article(g, by_target).items():
            split_off.append(part)
            _join(part, targets[rid], "surname in the same article as one full name only")
        if g.mentions and g.parent is None:
            named = sum(len(arts) for arts in by_target.values())
            top = max(by_target, key=lambda rid: len(by_target[rid]), default=None)
            if top is not None and named >= 3 and len(by_target[top]) >= DOMINANT * named:
                # the word alone, where one person holds nearly every article that names one
                _join(g, targets[top], f"surname alone; {targets[top].key!r} in "
                                       f"{len(by_target[top])} of {named} articles naming one")
                continue
            # the doubt, ranked: the full name seen with this word in most of its articles first
            seen = {m.article for m in g.mentions} | {a for arts in by_target.values() for a in arts}
            share = [(c, len(c.articles & seen) / max(1, len(seen))) for c in roots.values()]
            _suggest(g, share, f"{word!r} is shared by {len(roots)} people")
    return split_off


def _join_organisations(groups: dict[str, Group], types: dict[str, str],
                        descriptor_votes: dict[str, Counter[str]]) -> None:
    """Rule 3: an organisation's short name joins its longer name when the rest is a suffix."""
    prefixes: dict[tuple[str, ...], list[Group]] = defaultdict(list)
    suffixes: dict[tuple[str, ...], list[Group]] = defaultdict(list)
    papers: dict[str, list[Group]] = defaultdict(list)
    for g in groups.values():
        if len(g.words) > 1 and types[g.key] not in PERSONISH:
            for k in range(1, len(g.words)):
                prefixes[tuple(g.words[:k])].append(g)
                suffixes[tuple(g.words[k:])].append(g)
            if g.words[-1].lower() in NEWSPAPER_HEADS:
                papers[g.words[-1]].append(g)
    for g in groups.values():
        # a place or a nationality is not the company named after it ("Singapore Airlines")
        if types[g.key] in PERSONISH or types[g.key] in PLACEISH or types[g.key] == "NORP":
            continue
        words = g.words
        extends = []
        for cand in prefixes.get(tuple(words), []):
            extra = [_bare(w) for w in cand.words[len(words) :]]
            parts = {d.split()[-1] for d in descriptor_votes.get(cand.key, ()) if d}
            if parts & PART_OF:
                g.candidates.append(CandidateLink(cand.key, 0.2, f"{cand.key!r} is described as a part of {g.key!r}"))
            elif all(w in CORPORATE for w in extra):
                _join(g, cand, "short name of a company (corporate suffix)")
            elif extra[0] in INDUSTRY and all(w in CORPORATE for w in extra[1:]):
                _join(g, cand, "short name of a company (one industry word)")
            else:
                extends.append((cand, 0.3))
        if extends:
            _suggest(g, extends, f"a longer name extends {g.key!r} with other words")
        # "Chargers" ~ "San Diego Chargers", "Navy" ~ "Indian Navy": the name with its place in front
        local = {id(c.root()): c for c in suffixes.get(tuple(words), [])
                 if _is_place(" ".join(c.words[: len(c.words) - len(words)]), groups, types)}
        if len(local) == 1:
            _join(g, next(iter(local.values())), "the name with its place in front")
        if len(words) == 1 and words[0].lower() in NEWSPAPER_HEADS:
            found = papers.get(words[0], [])
            if len(found) == 1:
                _join(g, found[0], "newspaper short form")


def _is_place(text: str, groups: dict[str, Group], types: dict[str, str]) -> bool:
    """A country, or a name the collection calls a place or a nationality ("San Diego", "Indian")."""
    key = name_key(text)
    return bool(key) and (country(key) is not None or types.get(key) in PLACEISH | {"NORP"})


def _join_countries(groups: dict[str, Group], types: dict[str, str]) -> None:
    """Rule 4: "US", "U.S.", "America" and "the United States" are one country."""
    first: dict[str, Group] = {}
    for g in groups.values():
        if types[g.key] not in PLACEISH and not (acronym_key(g.key) and types[g.key] not in PERSONISH):
            continue
        name = country(g.key)
        if name is None:
            continue
        if name in first:
            _join(g, first[name], f"the same country ({name})")
        else:
            first[name] = g


def _join_acronyms(groups: dict[str, Group], types: dict[str, str], defined: dict[str, Counter[str]]) -> None:
    """Rule 5: an acronym joins the name the text defines it for, else the name it spells."""
    by_initials: dict[str, list[Group]] = defaultdict(list)
    for g in groups.values():
        if len(g.words) > 1 and types[g.key] not in PERSONISH:
            for x in _key_initials(g.key):
                by_initials[x].append(g)
    for g in groups.values():
        acr = acronym_key(g.key)
        if acr is None or types[g.key] in PERSONISH:
            continue
        meanings: dict[int, tuple[Group, int]] = {}
        for long_key, n in defined.get(g.key, Counter()).items():
            target = groups.get(long_key)
            if target is not None and target is not g:
                r = target.root()
                meanings[id(r)] = (target, meanings.get(id(r), (target, 0))[1] + n)
        if meanings:
            reason = "acronym defined in the text"
        else:
            reason = "acronym of the name's initials"
            for target in by_initials.get(acr, []):
                r = target.root()
                meanings[id(r)] = (target, meanings.get(id(r), (target, 0))[1] + len(target.mentions))
        if len(meanings) == 1:
            (target, _), = meanings.values()
            _join(g, target, reason)
        elif meanings:
            total = sum(n for _, n in meanings.values())
            _suggest(g, [(t, n / total) for t, n in meanings.values()], f"{g.key!r} stands for {len(meanings)} names")


def resolve_entities(analyses: list[ArticleAnalysis]) -> tuple[list[Entity], dict[tuple[str, int], str]]:
    """Cluster mentions into entities. Returns the entities and a map (article, start) -> entity id."""
    # What is allocated here lives on (groups, entities, mentions) and holds no reference cycle, so
    # the cyclic collector would only re-scan a growing heap. Profiled on the realistic collection
    # without it, 2k -> 8k articles took 3.6x the time (linear); with it, 4.6x to 6.2x.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _resolve(analyses)
    finally:
        if enabled:
            gc.enable()


def _resolve(analyses: list[ArticleAnalysis]) -> tuple[list[Entity], dict[tuple[str, int], str]]:
    groups, descriptor_votes, defined = _collect(analyses)
    types = {k: _vote(g.labels) for k, g in groups.items()}
    _join_headline_forms(groups)
    split_off = _join_people(groups, types)
    _join_organisations(groups, types, descriptor_votes)
    _join_countries(groups, types)
    _join_acronyms(groups, types, defined)
    every = list(groups.values()) + split_off

    # build entities from group roots
    roots: dict[int, list[Group]] = defaultdict(list)
    for g in every:
        roots[id(g.root())].append(g)
    entities: list[Entity] = []
    index: dict[tuple[str, int], str] = {}
    used_ids: set[str] = set()
    for members in roots.values():
        # a name whose every mention went to the people who share it is no entity of its own
        members = [g for g in members if g.mentions]
        if not members:
            continue
        labels: Counter[str] = Counter()
        for g in members:
            labels.update(g.labels)
        # the fullest proper name: most words, then most mentions
        best = max(members, key=lambda g: (len(g.words), len(g.mentions)))
        etype = _vote(labels)
        # a country goes by its usual name ("United States", not "United States of America")
        usual = country(best.key) if etype in PLACEISH else None
        best = next((g for g in members if g.key == usual), best)
        eid = _entity_id(best.key, used_ids)
        mentions = sorted(
            (EntityMention(m.article, m.start, m.end, m.text, "name") for g in members for m in g.mentions),
            key=lambda x: (x.article, x.start),
        )
        descriptors: list[str] = []
        for g in members:
            votes = descriptor_votes.get(g.key)
            for d, _ in votes.most_common() if votes else ():
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
        best_link: dict[str, CandidateLink] = {}
        for c in e.candidates:
            c.other = by_key[c.other].id if c.other in by_key else c.other
            if c.other != e.id and (c.other not in best_link or c.score > best_link[c.other].score):
                best_link[c.other] = c
        # the obvious candidate first
        e.candidates = sorted(best_link.values(), key=lambda c: -c.score)
    _attach_descriptors_and_pronouns(analyses, entities, index)
    entities.sort(key=lambda e: (-len(e.mentions), e.name))
    return entities, index


@lru_cache(maxsize=1 << 14)
def _slug(name: str) -> str:
    return "e-" + (re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "x")


def _entity_id(name: str, used: set[str]) -> str:
    base = _slug(name)
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
