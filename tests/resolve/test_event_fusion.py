"""Event fusion rules on frames built by hand (as the parser would give them): the same trigger word
within one story is the base, split only on positive evidence of a different happening."""

from storyline.model import Article, ArticleAnalysis, EventMention, Span
from storyline.resolve.events import fuse_events, places_compatible, roles_compatible, trigger_keys

_OFFSETS: dict[str, int] = {}


def _span(article: str, name: str) -> Span:
    start = _OFFSETS.setdefault(name, 10 * (len(_OFFSETS) + 1))
    return Span(article, start, start + len(name), name)


def ev(article: str, trigger: str, etype: str | None = None, actors=(), targets=(), time=None, place=None,
       n: int = 0) -> EventMention:
    return EventMention(id=f"{article}:e{n}", article=article, type=etype or trigger, cameo="", trigger=trigger,
                        start=500 + n, end=505 + n, sentence=n, sentence_start=500 + n, sentence_end=600 + n,
                        actors=[_span(article, a) for a in actors], targets=[_span(article, t) for t in targets],
                        time=time, place=place)


def fuse(*frames: EventMention, groups: dict[str, str] | None = None) -> list[set[str]]:
    by_article: dict[str, list[EventMention]] = {}
    for f in frames:
        by_article.setdefault(f.article, []).append(f)
    analyses = [ArticleAnalysis(Article(id=a, text="x" * 700, published="2009-01-01"), events=fs)
                for a, fs in by_article.items()]
    # every name is its own entity, the same in every article
    index = {(f.article, s.start): s.text for f in frames for s in f.actors + f.targets}
    events, _ = fuse_events(analyses, index, groups)
    return sorted(({m.article for m in e.mentions} for e in events), key=sorted)


def test_same_word_without_participants_fuses():
    # "the shooting" in two outlets of one story, neither naming anyone: nothing says they differ
    assert fuse(ev("a", "shooting"), ev("b", "shooting")) == [{"a", "b"}]


def test_nominal_and_verbal_forms_fuse():
    assert fuse(ev("a", "shooting"), ev("b", "shoot")) == [{"a", "b"}]
    assert fuse(ev("a", "death"), ev("b", "kill")) == [{"a", "b"}]
    assert fuse(ev("a", "detain"), ev("b", "arrest", "coerce")) == [{"a", "b"}]


def test_trigger_keys_take_a_noun_stem_only_when_the_story_uses_the_verb():
    keys = trigger_keys({"nomination", "nominate", "running", "run", "station"})
    assert keys["nomination"] == keys["nominate"] and keys["running"] == "run"
    assert keys["station"] == "station"  # no "state" in the story
    assert trigger_keys({"killing", "death"})["killing"] == trigger_keys({"die"})["die"]


def test_conflicting_times_split():
    assert fuse(ev("a", "quake", time="2009-01-03"), ev("b", "quake", time="2009-03-05")) == [{"a"}, {"b"}]
    assert fuse(ev("a", "quake", time="2009-01"), ev("b", "quake", time="2009-01-03")) == [{"a", "b"}]


def test_disjoint_named_actors_split():
    assert len(fuse(ev("a", "shoot", actors=["Smith"]), ev("b", "shoot", actors=["Jones"]))) == 2
    assert fuse(ev("a", "shoot", actors=["Smith"]), ev("b", "shoot")) == [{"a", "b"}]  # unsaid on one side


def test_disjoint_targets_split_the_founder_of_two_companies():
    # the case: "Steve Jobs and Steve Wozniak founded Apple ... and NeXT"
    apple = ev("a", "found", actors=["Jobs", "Wozniak"], targets=["Apple"])
    nxt = ev("b", "found", actors=["Jobs"], targets=["NeXT"])
    assert len(fuse(apple, nxt)) == 2
    assert not roles_compatible("found", {"jobs"}, {"apple"}, {"jobs"}, set())  # founded what?
    assert roles_compatible("shoot", {"smith"}, {"jones"}, {"smith"}, set())


def test_announcements_need_a_shared_object():
    assert len(fuse(ev("a", "announce", "statement", actors=["Apple"]),
                    ev("b", "announce", "statement", actors=["Apple"]))) == 2
    assert len(fuse(ev("a", "announce", "statement", actors=["Apple"], targets=["iPhone"]),
                    ev("b", "announce", "statement", actors=["Apple"], targets=["MacBook"]))) == 2


def test_crossed_roles_split():
    assert len(fuse(ev("a", "sue", actors=["A"], targets=["B"]), ev("b", "sue", actors=["B"], targets=["A"]))) == 2


def test_conflicting_places_split_two_reports():
    assert places_compatible("Paris", "Paris, France") and places_compatible(None, "Paris")
    assert not places_compatible("Paris", "Lyon")
    assert len(fuse(ev("a", "blast", place="Paris"), ev("b", "blast", place="Lyon"))) == 2


def test_a_cluster_outvotes_one_slip_in_its_participants():
    # one report names Smith, two name nobody, a fourth's parse gave Jones: one conflicting pair
    # in three does not split the story's shooting; two in three do; a chain never joins two
    # dated reports that contradict
    frames = [ev("a", "shoot", actors=["Smith"]), ev("b", "shoot"), ev("c", "shoot"), ev("d", "shoot", actors=["Jones"])]
    assert fuse(*frames) == [{"a", "b", "c", "d"}]
    frames = [ev("a", "shoot", actors=["Smith"]), ev("b", "shoot", actors=["Smith"]), ev("c", "shoot"),
              ev("d", "shoot", actors=["Jones"])]
    assert fuse(*frames) == [{"a", "b", "c"}, {"d"}]
    dated = [ev("a", "shoot", time="2009-01-03"), ev("b", "shoot"), ev("c", "shoot", time="2009-02-03")]
    assert len(fuse(*dated)) == 2


def test_same_word_fuses_only_within_one_story():
    groups = {"a": "s1", "b": "s2", "c": "s1"}
    assert fuse(ev("a", "shooting"), ev("b", "shooting"), ev("c", "shooting"), groups=groups) == [{"a", "c"}, {"b"}]
    # fusion runs per story: a shared participant joins within one, not across two
    a_sues_b = [ev("a", "sue", actors=["A"], targets=["B"]), ev("b", "sue", actors=["A"], targets=["B"])]
    assert fuse(*a_sues_b, groups={"a": "s1", "b": "s2"}) == [{"a"}, {"b"}]
    assert fuse(*a_sues_b, groups={"a": "s1", "b": "s1"}) == [{"a", "b"}]
    assert fuse(*a_sues_b) == [{"a", "b"}]  # no stories given: one story


def test_an_article_dates_its_own_repeats_before_other_articles_join():
    # article a: "the quake" then "the 2009 quake"; article b: "the quake of 2008". The undated
    # mention of a belongs with a's dated one, not with b's quake, although it comes first
    frames = [ev("a", "quake", n=0), ev("a", "quake", time="2009", n=1), ev("b", "quake", time="2008")]
    events = fuse(*frames)
    assert sorted(map(sorted, events)) == [["a"], ["b"]]
