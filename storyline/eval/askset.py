"""``storyline eval ask``: answer accuracy and abstention of ``storyline.ask`` on hand-written
question sets (storyline/eval/questions/*.json).

A question with expected ``answers`` is right when it is answered and its first cited sentence holds
one of those strings (and, where the question names a ``story`` of the gold corpus, comes from one
of that story's documents). A question with ``answers: []`` is not answered by the articles; it is
right when the answer is ``answered=false``. Reported: accuracy on answerable questions, the share
of them found among the three cited sentences, abstention on unanswerable ones, and the share of
answerable questions wrongly refused.
"""

from __future__ import annotations

import json
import re
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from ..ask import answer
from ..extract import analyze_articles
from ..model import Article
from ..pipeline import add_analyses
from ..readers import read_articles
from ..store import Store
from .records import Report, Row

QUESTIONS = Path(__file__).parent / "questions"
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Outcome:
    q: str
    expected: list[str]
    answered: bool
    right: bool
    in_top3: bool
    score: float
    got: str  # the first cited sentence, or ""
    message: str


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _matches(text: str, answers: list[str]) -> bool:
    """An expected string as whole words of the sentence ("40" is not in "400")."""
    low = " ".join(text.split()).lower()
    return any(re.search(r"(?<![\w.,])" + re.escape(" ".join(a.split()).lower()) + r"(?![\w]|[.,]\d)", low)
               for a in answers)


def score_questions(store: Store, questions: list[dict], story_docs: dict[str, set[str]] | None = None,
                    ) -> tuple[dict[str, float], list[Outcome]]:
    """Run every question on a database; the figures and one outcome per question."""
    external: dict[str, str] = {}

    def external_id(article: str) -> str:  # the id the gold corpus gave the cited article
        if article not in external:
            an = store.analysis(article)
            external[article] = (an.article.external_id or article) if an else article
        return external[article]

    outcomes = []
    for item in questions:
        a = answer(store, item["q"])
        expected = item.get("answers", [])
        allowed = (story_docs or {}).get(item.get("story", ""), None)

        def good(h: object, expected: list[str] = expected, allowed: set[str] | None = allowed) -> bool:
            ok_doc = allowed is None or external_id(h.article) in allowed  # type: ignore[attr-defined]
            return ok_doc and _matches(h.text, expected)  # type: ignore[attr-defined]

        if expected:
            right = a.answered and bool(a.hits) and good(a.hits[0])
            top3 = a.answered and any(good(h) for h in a.hits[:3])
        else:
            right, top3 = not a.answered, not a.answered
        outcomes.append(Outcome(item["q"], expected, a.answered, right, top3, a.score,
                                " ".join(a.hits[0].text.split()) if a.hits else "", a.message))
    answerable = [o for o in outcomes if o.expected]
    unanswerable = [o for o in outcomes if not o.expected]

    def share(xs: list[Outcome], f: object) -> float:
        return sum(1 for x in xs if f(x)) / len(xs) if xs else 0.0  # type: ignore[operator]

    figures = {
        "questions": len(outcomes), "answerable": len(answerable), "unanswerable": len(unanswerable),
        "accuracy": share(answerable, lambda o: o.right),
        "top3": share(answerable, lambda o: o.in_top3),
        "false_abstention": share(answerable, lambda o: not o.answered),
        "abstention": share(unanswerable, lambda o: o.right),
        "overall": share(outcomes, lambda o: o.right),
    }
    return figures, outcomes


def run_set(name: str, articles: list[Article], questions: list[dict], story_docs: dict[str, set[str]] | None = None,
            ) -> tuple[dict[str, float], list[Outcome]]:
    """The articles ingested as ``storyline ingest`` stores them (stories resolved and stored),
    then every question asked of that database."""
    analyses = analyze_articles(articles)
    with tempfile.TemporaryDirectory(prefix=f"storyline-ask-{name}-") as tmp:
        store = Store(Path(tmp) / "ask.db")
        try:
            add_analyses(store, analyses)
            return score_questions(store, questions, story_docs)
        finally:
            store.close()


def _kind(o: Outcome) -> str:
    if not o.expected:
        return "answered an unanswerable question"
    return "refused an answerable question" if not o.answered else "wrong first citation"


def _rows(label: str, f: dict[str, float], tuned: bool) -> list[Row]:
    n, u = int(f["answerable"]), int(f["unanswerable"])
    best = "none published (our question set" + ("; rules tuned on it)" if tuned else "; held out)")
    return [Row(f"ask ({label})", f"answer accuracy, first citation ({n} answerable)", f["accuracy"], best),
            Row(f"ask ({label})", "answer among the 3 citations", f["top3"], best),
            Row(f"ask ({label})", f"abstention on unanswerable ({u})", f["abstention"], best),
            Row(f"ask ({label})", "answerable but refused", f["false_abstention"], best)]


def eval_ask(data: Path, limit: int | None = None) -> Report:
    """The sample corpus set, and the ECB+ dev set where ../shared/data has facts-ecbplus-dev."""
    t0 = time.perf_counter()
    rows: list[Row] = []
    details: dict = {}
    errors: list[dict] = []
    docs = 0
    sets = sorted(QUESTIONS.glob("*.json"))
    for path in sets:
        spec = load(path)
        corpus = spec["corpus"]
        story_docs = None
        if corpus.startswith("samples/"):
            source = ROOT / corpus
        else:
            source = data / corpus
            if not source.exists():
                details[path.stem] = f"skipped: {source} not found"
                continue
            gold = source.parent / "gold.json"
            if gold.exists():
                story_docs = {s["id"]: set(s["docs"]) for s in load(gold).get("stories", [])}
        articles = [a for a in read_articles([source]) if isinstance(a, Article)]
        if spec.get("stories") and story_docs:
            keep = set().union(*(story_docs[s] for s in spec["stories"]))
            articles = [a for a in articles if (a.external_id or a.id) in keep]
        questions = spec["questions"]
        if limit:  # a quick check keeps both kinds of question
            questions = ([q for q in questions if q["answers"]][:limit] + [q for q in questions if not q["answers"]][:limit])
        figures, outcomes = run_set(path.stem, articles, questions, story_docs)
        docs += len(articles)
        rows += _rows(path.stem, figures, spec.get("tuned", True))
        details[path.stem] = figures
        errors += [{"set": path.stem, "kind": _kind(o), **asdict(o)} for o in outcomes if not o.right]
    return Report("ask", docs, time.perf_counter() - t0, rows, details, errors)
