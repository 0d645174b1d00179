"""Human decisions applied after the automatic pass, so the machine never undoes them.

Overrides are stored in the database (``overrides`` table) in the order they were made and replayed
in that order on every resolution:

- ``merge A B``: entity B (id, name or alias) becomes part of entity A;
- ``split E X``: the mentions of entity E written as X (and the pronouns and descriptors bound to
  them) become an entity of their own, named X;
- ``not-same A B``: A and B are different: if the automatic pass joined them, B's form is split off
  as above, and a later ``merge`` of the two is refused;
- ``set-date ARTICLE DATE``: handled before extraction (the article's dates are read again against
  the new publication date); nothing to do at this stage.

Entity ids come from names, so an override made today still names the same entity after a re-ingest.
"""

from __future__ import annotations

from ..model import ArticleAnalysis, Entity
from .entities import _entity_id, name_key

Override = tuple[str, str, str | None]


def find_entity(entities: list[Entity], ref: str) -> Entity | None:
    """An entity by id, name or alias (case and possessive insensitive)."""
    for e in entities:
        if e.id == ref:
            return e
    key = name_key(ref)
    for e in entities:
        if key in {name_key(x) for x in [e.name, *e.aliases]}:
            return e
    return None


def _merge(entities: list[Entity], index: dict[tuple[str, int], str], a: Entity, b: Entity) -> None:
    if a is b:
        return
    a.mentions = sorted(a.mentions + b.mentions, key=lambda m: (m.article, m.start))
    a.aliases = sorted(set(a.aliases) | {b.name} | set(b.aliases))
    a.descriptors += [d for d in b.descriptors if d not in a.descriptors]
    a.evidence.append(f"merged with {b.name!r} ({b.id}) by a user")
    a.candidates = [c for c in a.candidates if c.other != b.id]
    for m in b.mentions:
        index[(m.article, m.start)] = a.id
    entities.remove(b)


def _split(entities: list[Entity], index: dict[tuple[str, int], str], e: Entity, form: str,
           analyses: list[ArticleAnalysis], reason: str) -> Entity | None:
    key = name_key(form)
    moved = [m for m in e.mentions if m.kind == "name" and name_key(m.text) == key]
    if not moved:
        return None
    names_at = {(m.article, m.start) for m in moved}
    # pronouns and descriptors bound in their article to a moved name go with it
    for an in analyses:
        for m in an.mentions:
            if m.kind != "name" and m.ref_start is not None and (m.article, m.ref_start) in names_at:
                moved += [x for x in e.mentions if x.article == m.article and x.start == m.start]
    moved_keys = {(m.article, m.start) for m in moved}
    e.mentions = [m for m in e.mentions if (m.article, m.start) not in moved_keys]
    e.aliases = [a for a in e.aliases if name_key(a) != key]
    used = {x.id for x in entities}
    new = Entity(id=_entity_id(key, used), name=key, type=e.type,
                 mentions=sorted({(m.article, m.start): m for m in moved}.values(), key=lambda m: (m.article, m.start)),
                 evidence=[f"split from {e.name!r} ({e.id}) by a user: {reason}"])
    e.evidence.append(f"{form!r} split off by a user: {reason}")
    entities.append(new)
    for m in new.mentions:
        index[(m.article, m.start)] = new.id
    if name_key(e.name) == key:  # the split form was the entity's name: rename to its longest alias
        e.name = max(e.aliases, key=len, default=e.name)
    return new


def apply_overrides(entities: list[Entity], index: dict[tuple[str, int], str], analyses: list[ArticleAnalysis],
                    overrides: list[Override]) -> list[str]:
    """Apply entity overrides in order; return one line per override that could not apply."""
    apart: set[frozenset[str]] = set()
    skipped: list[str] = []
    for kind, a, b in overrides:
        if kind == "set-date":
            continue
        ea = find_entity(entities, a)
        if ea is None:
            skipped.append(f"{kind} {a!r}: no such entity now")
            continue
        if kind == "split":
            if not b or _split(entities, index, ea, b, analyses, "split") is None:
                skipped.append(f"split {a!r} {b!r}: no mention written that way")
            continue
        eb = find_entity(entities, b or "")
        if kind == "merge":
            if eb is None:
                skipped.append(f"merge {a!r} {b!r}: no such entity now")
            elif frozenset({name_key(ea.name), name_key(eb.name)}) in apart:
                skipped.append(f"merge {a!r} {b!r}: marked not the same")
            else:
                _merge(entities, index, ea, eb)
        elif kind == "not-same":
            if eb is ea:
                eb = _split(entities, index, ea, b or "", analyses, "not the same as " + ea.name)
            if eb is not None:
                apart.add(frozenset({name_key(ea.name), name_key(eb.name)}))
                ea.candidates = [c for c in ea.candidates if c.other != eb.id]
                eb.candidates = [c for c in eb.candidates if c.other != ea.id]
    entities.sort(key=lambda e: (-len(e.mentions), e.name))
    return skipped


