"""Human decisions applied after the automatic pass, so the machine never undoes them.

Overrides are stored in the database (``overrides`` table) in the order they were made and replayed
in that order on every resolution:

- ``merge A B``: entity B (id, name or alias) becomes part of entity A;
- ``split E X``: the mentions of entity E written as X (and the pronouns and descriptors bound to
  them) become an entity of their own, named X; when X is a descriptor or pronoun (a link, not a
  name: "a judge", "she") those links are cut instead, and a descriptor X leaves E's descriptors.
  ``X = "@ARTICLE:START"`` names one mention: a name there (with what is bound to it) becomes an
  entity of its own, any other mention is cut loose;
- ``not-same A B``: A and B are different: if the automatic pass joined them, B's form is split off
  as above, and a later ``merge`` of the two is refused;
- ``set-date ARTICLE DATE``: handled before extraction (the article's dates are read again against
  the new publication date); nothing to do at this stage.

Entity ids come from names, so an override made today still names the same entity after a re-ingest.
"""

from __future__ import annotations

from ..model import ArticleAnalysis, Entity, EntityMention
from .entities import _entity_id, descriptor_key, name_key

Override = tuple[str, str, str | None]


def find_entity(entities: list[Entity], ref: str) -> Entity | None:
    """An entity by id, name or alias (case and possessive insensitive)."""
    return _Finder(entities).find(ref)


class _Finder:
    """``find_entity`` for many references to one list of entities: the ids and name keys are
    indexed once (the first entity holding one wins, as in a scan of the list), not once per
    override, and every story re-resolved replays every override of the database."""

    def __init__(self, entities: list[Entity]) -> None:
        self.ids: dict[str, Entity] = {}
        self.keys: dict[str, Entity] = {}
        for e in entities:
            self.ids.setdefault(e.id, e)
            for x in [e.name, *e.aliases]:
                self.keys.setdefault(name_key(x), e)

    def find(self, ref: str) -> Entity | None:
        return self.ids.get(ref) or self.keys.get(name_key(ref))


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


def _mention_ref(form: str) -> tuple[str, int] | None:
    """"@ARTICLE:START" (one mention, as the web page names it) to (article, start)."""
    if not form.startswith("@") or ":" not in form:
        return None
    article, _, start = form[1:].rpartition(":")
    return (article, int(start)) if start.isdigit() else None


def _split(entities: list[Entity], index: dict[tuple[str, int], str], e: Entity, form: str,
           analyses: list[ArticleAnalysis], reason: str) -> Entity | None | bool:
    """Split FORM off E: a new entity for names, True when only links were cut, None when nothing matched."""
    key = name_key(form)
    at = _mention_ref(form)
    if at is not None:
        moved = [m for m in e.mentions if (m.article, m.start) == at]
        if moved and moved[0].kind != "name":
            return _cut(index, e, moved, moved[0].text, reason)
        key = name_key(moved[0].text) if moved else key
    else:
        moved = [m for m in e.mentions if m.kind == "name" and name_key(m.text) == key]
        if not moved:
            links = [m for m in e.mentions if m.kind != "name" and _same_link(m.text, form)]
            dkey = descriptor_key(form)
            if links or dkey in e.descriptors:
                return _cut(index, e, links, form, reason)
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
    still_named = any(m.kind == "name" and name_key(m.text) == key for m in e.mentions)
    if not still_named:
        e.aliases = [a for a in e.aliases if name_key(a) != key]
    used = {x.id for x in entities}
    new = Entity(id=_entity_id(key, used), name=key, type=e.type,
                 mentions=sorted({(m.article, m.start): m for m in moved}.values(), key=lambda m: (m.article, m.start)),
                 evidence=[f"split from {e.name!r} ({e.id}) by a user: {reason}"])
    e.evidence.append(f"{form!r} split off by a user: {reason}")
    entities.append(new)
    for m in new.mentions:
        index[(m.article, m.start)] = new.id
    if not still_named and name_key(e.name) == key and e.aliases:  # its name left: take its longest alias
        e.name = max(e.aliases, key=len)
        e.aliases = [a for a in e.aliases if a != e.name]
    return new


def _same_link(text: str, form: str) -> bool:
    return text.strip().lower() == form.strip().lower() or descriptor_key(text) == descriptor_key(form)


def _cut(index: dict[tuple[str, int], str], e: Entity, links: list[EntityMention], form: str, reason: str) -> bool:
    """Cut descriptor or pronoun links (and a descriptor) from E: they then belong to no entity."""
    gone = {(m.article, m.start) for m in links}
    e.mentions = [m for m in e.mentions if (m.article, m.start) not in gone]
    for k in gone:
        index.pop(k, None)
    dkey = descriptor_key(form)
    e.descriptors = [d for d in e.descriptors if d != dkey]
    e.evidence.append(f"{form!r} ({len(gone)} link(s)) cut by a user: {reason}")
    return True


def apply_overrides(entities: list[Entity], index: dict[tuple[str, int], str], analyses: list[ArticleAnalysis],
                    overrides: list[Override], scoped: bool = False
                    ) -> tuple[list[Entity], dict[tuple[str, int], str], list[str]]:
    """Apply entity overrides in order; return one line per override that could not apply.
    ``scoped``: these are one story's entities out of a database's, so an override about entities
    the story does not hold is not this story's business (the database checks those), and a merge
    with one side here and the other in another story is the registry's to make.
    Returns the entities, a new index and the lines. The given entities and index are never
    changed: an entity is copied before an override changes it, and when none applies to this
    story (most stories of a database) the given entity records are returned as they are."""
    given = entities
    entities = list(entities)
    index = dict(index)
    copied = False  # the entities are copied when the first override applies here, not for every story
    finder = _Finder(entities)
    apart: set[frozenset[str]] = set()
    skipped: list[str] = []
    for kind, a, b in overrides:
        if kind == "set-date":
            continue
        ea = finder.find(a)
        if ea is None:
            if not scoped:
                skipped.append(f"{kind} {a!r}: no such entity now")
            continue
        if not copied:
            entities = [_copy(e) for e in given]
            ea = entities[next(i for i, e in enumerate(given) if e is ea)]
            copied = True
        if kind == "split":
            if not b or _split(entities, index, ea, b, analyses, "split") is None:
                skipped.append(f"split {a!r} {b!r}: no mention written that way")
        else:
            eb = _Finder(entities).find(b or "")
            if kind == "merge":
                if eb is None:
                    if not scoped:
                        skipped.append(f"merge {a!r} {b!r}: no such entity now")
                elif frozenset({name_key(ea.name), name_key(eb.name)}) in apart:
                    skipped.append(f"merge {a!r} {b!r}: marked not the same")
                else:
                    _merge(entities, index, ea, eb)
            elif kind == "not-same":
                if eb is ea:
                    new = _split(entities, index, ea, b or "", analyses, "not the same as " + ea.name)
                    eb = new if isinstance(new, Entity) else None
                if eb is not None:
                    apart.add(frozenset({name_key(ea.name), name_key(eb.name)}))
                    ea.candidates = [c for c in ea.candidates if c.other != eb.id]
                    eb.candidates = [c for c in eb.candidates if c.other != ea.id]
        finder = _Finder(entities)  # what applied may have renamed, joined or split entities
    entities.sort(key=lambda e: (-len(e.mentions), e.name))
    return entities, index, skipped


def _copy(e: Entity) -> Entity:
    """A copy the overrides may change without touching the given entity: its lists are new, the
    mention and candidate records in them are shared, since no override changes a record in place
    (they build new lists). A deepcopy of every entity cost a fifth of resolving a story."""
    return Entity(e.id, e.name, e.type, list(e.aliases), list(e.descriptors), list(e.mentions),
                  list(e.evidence), list(e.candidates))
