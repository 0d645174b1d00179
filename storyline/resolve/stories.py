"""Stories: articles about the same developing story, grouped online.

Single-pass clustering in publication order, the classic approach of topic detection and tracking
(Allan, Papka & Lavrenko 1998, "On-line new event detection and tracking"): an article joins the
story whose centroid it is most similar to, if the similarity passes a threshold, else it starts a
new story. Adding articles later runs the same step from the stored stories, so nothing already
assigned moves, and ingest (``StoryIndex`` in pipeline.py) and the dossier (``cluster_stories``) run
this one algorithm.

- Similarity is the cosine of content words and named entities weighted by IDF. The IDF counts
  stories, not articles: a name in many stories (Trump, Obama, the police) weighs little, a name
  or word found in one story weighs much, whatever the collection's size.
- Time (after Allan et al.'s time window): the similarity needed to join a story rises with the
  logarithm of the days it has been quiet, from ``THRESHOLD`` on the day of its latest article to
  at most ``CONTINUING`` (reached after about 150 days). A story told day after day or week after
  week keeps growing; a story years old takes an article only when it is the same continuing thing
  told again, not one that merely shares a cast. An undated article needs ``UNDATED`` to join a
  dated story.
- Blocking: an inverted index from term to stories; an article is scored only against the stories
  that share its rarest terms, so assignment stays near-linear in the collection.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field

from ..model import ArticleAnalysis, Story
from ..pubdate import published_date
from .entities import name_key
from .kept import Kept

THRESHOLD = 0.2  # cosine to join a story on the day of its latest article
CONTINUING = 0.45  # the most any story asks: a story quiet for months takes only the same thing again
UNDATED = 0.45  # cosine for an undated article to join a dated story
SLOPE = 0.05  # the bar rises with the logarithm of the quiet days: +0.035 after one, +0.12 after ten
ENTITY_WEIGHT = 1.0  # an entity key counts like this many words
# A place is shared by all the news from there (two stories from one city, a local outlet's whole
# beat): it says less about which story an article tells than a person or a body does.
PLACE_WEIGHT = 0.5
PLACE_LABELS = {"GPE", "LOC"}
ENTITY_LABELS = {"PERSON", "ORG", "GPE", "NORP", "FAC", "EVENT", "LOC", "PRODUCT", "WORK_OF_ART", "LAW"}
MAX_TERMS = 400  # a story's profile keeps its strongest terms; enough to recognise it
MAX_POSTINGS = 50  # a term in more stories than this does not make them candidates
MAX_CANDIDATES = 40  # stories scored in full per article, the ones sharing most rare terms

_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*[A-Za-z]")


@functools.cache
def _stop_words() -> frozenset[str]:
    # spaCy's English list, imported when first needed: importing spaCy costs seconds, and readers
    # (the web server) that load this module never compute a profile
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def _stem(w: str) -> str:
    """Plural and third-person -s only ("bombings" -> "bombing", "says" -> "say"): cheap, and it
    never joins words of different meaning, while "bombed" and "bombing" stay two terms."""
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def content_terms(text: str) -> list[str]:
    """Lower-cased content words of a text (no stop words, no numbers, no one- or two-letter words)."""
    out = []
    stop = _stop_words()
    for m in _WORD.finditer(text):
        w = m.group(0).lower().replace("’", "'")
        if w.endswith("'s"):
            w = w[:-2]
        if len(w) < 3 or w in stop:
            continue
        out.append(_stem(w))
    return out


def article_profile(an: ArticleAnalysis) -> dict[str, float]:
    """An article as a unit vector of sublinear term frequencies: its content words, and the names it
    mentions as ``@name key`` (a lone surname counts for the full name it shortens in the article).
    IDF is applied at comparison time, so the profile needs nothing but the article itself."""
    full = defined_acronyms(an)
    # a defined acronym counts once, as the name it stands for, not also as a word of the text
    acronyms = {a.lower() for a in full}
    tf: Counter[str] = Counter(t for t in content_terms(an.article.text) if t not in acronyms)
    names: Counter[str] = Counter()
    weight: dict[str, float] = {}
    titled = {name_key(m.text) for m in an.mentions if m.kind == "name" and not m.text.isupper()}
    for m in an.mentions:
        if m.kind != "name" or m.label not in ENTITY_LABELS:
            continue
        key = name_key(m.text)
        if not key:
            continue
        if key.isupper() and key.title() in titled:  # the dateline "NEWPORT -" is the Newport of the text
            key = key.title()
        words = key.split()
        if len(words) > 1:
            full.setdefault(words[-1], key)
        term = "@" + full.get(key, key)
        names[term] += 1
        weight[term] = min(weight.get(term, ENTITY_WEIGHT), PLACE_WEIGHT if m.label in PLACE_LABELS else ENTITY_WEIGHT)
    vec = {t: 1 + math.log(c) for t, c in tf.items()}
    vec.update({t: weight[t] * (1 + math.log(c)) for t, c in names.items()})
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    return {t: v / norm for t, v in vec.items()}


KEPT_PROFILES = 20_000  # articles whose profile is kept in the process (a few kB each)
_profiles: Kept[tuple[str, int, int], dict[str, float]] = Kept(KEPT_PROFILES)


def kept_profile(an: ArticleAnalysis) -> dict[str, float]:
    """``article_profile``, kept between calls: an ingest re-resolves a story from all of its articles
    and picks its title by each member's profile, which was most of the title's cost."""
    key = (an.article.id, len(an.article.text), len(an.mentions))
    prof = _profiles.get(key)
    if prof is None:
        prof = article_profile(an)
        _profiles.put(key, prof)
    return prof


def defined_acronyms(an: ArticleAnalysis) -> dict[str, str]:
    """Acronyms the article defines ("Dadasu Health Association (DHA)") -> the name they stand for.
    Short acronyms are reused by unrelated bodies across a news day; the defined name is what the
    article is about, so the acronym counts as that name."""
    text = an.article.text
    out: dict[str, str] = {}
    for m in an.mentions:
        if m.kind == "name" and m.ref_start is not None and m.ref_end is not None and m.text.isupper():
            long = name_key(text[m.ref_start : m.ref_end])
            if long and long != m.text:
                out.setdefault(name_key(m.text), long)
    return out


@dataclass
class StoryState:
    id: str
    articles: list[str] = field(default_factory=list)
    profile: Counter[str] = field(default_factory=Counter)  # sum of its articles' profiles
    first: str | None = None  # ISO date of its earliest and latest dated article
    last: str | None = None
    norm: float = field(default=0.0, compare=False, repr=False)  # cached by StoryIndex.story_norm
    norm_at: int | None = field(default=None, compare=False, repr=False)  # story count it was computed at

    def add(self, article: str, profile: dict[str, float], published: str | None = None) -> None:
        self.articles.append(article)
        self.profile.update(profile)
        self.norm_at = None
        if len(self.profile) > 2 * MAX_TERMS:
            self.profile = Counter(dict(self.profile.most_common(MAX_TERMS)))
        day = published[:10] if published else None
        if day:
            self.first = min(self.first or day, day)
            self.last = max(self.last or day, day)

    def gap(self, published: str | None) -> int | None:
        """Days between a date and this story's span: 0 inside it, None when the article is undated
        and the story is not (no evidence either way), 0 when the story has no dates."""
        day = published_date(published)
        if self.first is None or self.last is None:
            return 0
        if day is None:
            return None
        lo, hi = dt.date.fromisoformat(self.first), dt.date.fromisoformat(self.last)
        return max(0, (lo - day).days, (day - hi).days)

    def to_json(self) -> str:
        return json.dumps({"terms": self.profile, "first": self.first, "last": self.last})

    @classmethod
    def from_json(cls, sid: str, articles: list[str], text: str) -> StoryState:
        data = json.loads(text)
        if "terms" not in data:  # a profile stored before dates were kept: name counts only
            return cls(sid, articles, Counter({"@" + k: float(v) for k, v in data.items()}))
        return cls(sid, articles, Counter(data["terms"]), data.get("first"), data.get("last"))


def required(gap: int | None) -> float:
    """The similarity an article needs to join a story ``gap`` days away from it: a story told
    day after day stays easy to join, one that has gone quiet needs a closer match, and so does
    a dated story for an undated article (``UNDATED``), which nothing places near it."""
    if gap is None:
        return UNDATED
    return min(CONTINUING, THRESHOLD + SLOPE * math.log1p(gap))


class StoryIndex:
    """Stories with an inverted index from term to story, so a new article is compared only with the
    stories that share its rare terms (blocking), not with every story. The index doubles as the
    story frequency of each term, from which IDF is computed."""

    def __init__(self, stories: list[StoryState] | None = None) -> None:
        self.stories: list[StoryState] = []
        self.position: dict[str, int] = {}  # story id -> its place in ``stories``
        self._by_key: dict[str, set[int]] = {}
        for st in stories or []:
            self._register(st)

    def _register(self, st: StoryState) -> int:
        n = len(self.stories)
        self.stories.append(st)
        self.position[st.id] = n
        for k in st.profile:
            self._by_key.setdefault(k, set()).add(n)
        return n

    # ---- where stories and postings live (the database-backed index overrides these) ----------
    def size(self) -> int:
        return len(self.stories)

    def df(self, term: str) -> int:
        """In how many stories a term occurs."""
        return len(self._by_key.get(term, ()))

    def postings(self, term: str) -> set[int]:
        return self._by_key.get(term, set())

    def story(self, n: int) -> StoryState:
        return self.stories[n]

    def post_terms(self, n: int, st: StoryState, profile: dict[str, float]) -> None:
        """Record that story ``n`` (``st``, just grown) now holds these terms."""
        for k in profile:
            self._by_key.setdefault(k, set()).add(n)

    def new_story(self) -> int:
        return self._register(StoryState(id=f"s{len(self.stories)}"))

    # ---- scoring ---------------------------------------------------------------------------
    def idf(self, term: str) -> float:
        # smoothed as in scikit-learn: a term in every story still counts a little
        return math.log((self.size() + 1) / (self.df(term) + 1)) + 1

    def weigh(self, profile: dict[str, float]) -> tuple[dict[str, float], float]:
        """An article's terms weighted by IDF twice (once for the article, once for the story it
        meets in the dot product), and the length of its TF-IDF vector."""
        idf = {t: self.idf(t) for t in profile}
        twice = {t: v * idf[t] * idf[t] for t, v in profile.items()}
        return twice, math.sqrt(sum((v * idf[t]) ** 2 for t, v in profile.items()))

    def story_norm(self, st: StoryState) -> float:
        """Length of a story's TF-IDF centroid. It is kept until the story changes or the number of
        stories (which moves every IDF a little) grows by a tenth: comparing an article with a story
        then costs the article's length, not the story's."""
        n = self.size()
        if st.norm_at is None or n > st.norm_at * 1.1 + 1:
            st.norm = math.sqrt(sum((v * self.idf(t)) ** 2 for t, v in st.profile.items()))
            st.norm_at = n
        return st.norm

    def similarity(self, profile: dict[str, float], st: StoryState,
                   weighed: tuple[dict[str, float], float] | None = None) -> float:
        twice, na = weighed or self.weigh(profile)
        ns = self.story_norm(st)
        if not na or not ns:
            return 0.0
        terms = st.profile
        return sum(v * terms[t] for t, v in twice.items() if t in terms) / (na * ns)

    def candidates(self, profile: dict[str, float]) -> list[int]:
        """Stories sharing the article's rare terms, most shared IDF first."""
        shared: Counter[int] = Counter()
        posted = [(t, df) for t in profile if (df := self.df(t))]
        rare = [t for t, df in posted if df <= MAX_POSTINGS]
        if not rare:
            rare = [t for t, _ in sorted(posted, key=lambda td: td[1])[:3]]
        for t in rare:
            w = profile[t] * self.idf(t)
            for n in self.postings(t):
                shared[n] += w
        return [n for n, _ in shared.most_common(MAX_CANDIDATES)]

    def best(self, profile: dict[str, float], published: str | None = None) -> tuple[int | None, float]:
        """The story this article would join, and its similarity (None: a new story)."""
        best, score = None, 0.0
        weighed = self.weigh(profile)
        for n in self.candidates(profile):
            st = self.story(n)
            sc = self.similarity(profile, st, weighed)
            need = required(st.gap(published))
            if sc >= need and sc > score:
                best, score = n, sc
        return best, score

    def assign(self, article: str, profile: dict[str, float], published: str | None = None) -> StoryState:
        best, _ = self.best(profile, published)
        if best is None:
            best = self.new_story()
        st = self.story(best)
        st.add(article, profile, published)
        self.post_terms(best, st, profile)
        return st


def in_order(analyses: list[ArticleAnalysis]) -> list[ArticleAnalysis]:
    """Publication order; undated articles last (a stream meets them with no date to place them)."""
    return sorted(analyses, key=lambda a: (a.article.published is None, a.article.published or "", a.article.id))


def assign_all(analyses: list[ArticleAnalysis], existing: list[StoryState] | None = None) -> StoryIndex:
    index = StoryIndex(existing)
    for an in in_order(analyses):
        index.assign(an.article.id, article_profile(an), an.article.published)
    return index


def cluster_stories(analyses: list[ArticleAnalysis], stored: list[StoryState] | None = None) -> list[Story]:
    """The stories of these articles, by the same online step ingest runs. ``stored``: the stories a
    database assigned on ingest, whose ids and members are kept (limited to the articles at hand);
    the articles no stored story holds are placed after them."""
    present = {an.article.id for an in analyses}
    kept: list[StoryState] = []
    placed: set[str] = set()
    for st in stored or []:
        members = [a for a in st.articles if a in present]
        if members:
            kept.append(StoryState(st.id, members, Counter(st.profile), st.first, st.last))
            placed.update(members)
    index = assign_all([an for an in analyses if an.article.id not in placed], kept)
    by_id = {an.article.id: an for an in analyses}
    return [story_record(s, index, by_id) for s in index.stories if s.articles]


def story_record(s: StoryState, index: StoryIndex, by_id: dict[str, ArticleAnalysis]) -> Story:
    """A story's title is the headline of its most central article (the one closest to the story's
    centroid; the earliest on a tie): a news line from the text, not a label."""
    members = [by_id[a] for a in s.articles if a in by_id]
    if not members:
        return Story(id=s.id, title="Untitled story", articles=s.articles)
    central = min(members, key=lambda an: (-round(index.similarity(kept_profile(an), s), 6),
                                           an.article.published or "9999", an.article.id))
    return Story(id=s.id, title=headline(central), articles=s.articles)


def headline(an: ArticleAnalysis) -> str:
    title = " ".join(an.article.title.split())
    if title:
        return title
    first = an.article.text[an.sentences[0].start : an.sentences[0].end] if an.sentences else an.article.text
    first = " ".join(first.split())
    return first if len(first) <= 120 else first[:117].rsplit(" ", 1)[0] + "..."
