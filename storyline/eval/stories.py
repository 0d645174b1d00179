"""``storyline eval stories``: story clustering on dated streams, beside a TF-IDF baseline.

Two streams, each fed in publication order as an ingest would see it:
- basil-dev: 50 real events, each told by Fox News, The New York Times and HuffPost (2010-2019);
  gold is BASIL's story label.
- a mixed stream of MEANTIME (gold: its corpus topic) and the ECB+ development topics (gold: topic and
  sub-topic, since each ECB+ topic holds two different events of one kind). ECB+ gives no publication
  date, so dates come from the texts' own datelines and URLs, as ingest infers them; an article with
  none stays undated.

Scores are BCubed precision, recall and F1 (Bagga & Baldwin 1998: per article, the share of its
predicted story that shares its label, and the share of its label's articles inside its predicted
story) and pairwise P/R/F1 over article pairs.

The baseline is the classic single-pass clusterer the issue names: TF-IDF cosine of each article to
the centroid of every story still open (30 days after its last article), joined at 0.2. Its IDF is
fitted on the whole stream at once, as a batch vectorizer would: the strongest form of it.
"""

from __future__ import annotations

import dataclasses
import json
import math
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from ..model import Article, ArticleAnalysis
from ..pubdate import infer_published, published_date
from ..resolve.stories import assign_all, content_terms
from .cat import read_cat
from .records import Report, Row

ECB_DEV = ("2", "5", "12", "18", "21", "23", "34", "35")
MEANTIME_TOPICS = ("airbus", "apple", "gm", "stock")

Clusters = dict[str, str]  # article id -> cluster


# ---- streams ------------------------------------------------------------------------------------


def basil_stream(data: Path, limit: int | None = None) -> tuple[list[Article], Clusters]:
    root = data / "basil-dev"
    if not root.exists():
        raise FileNotFoundError(f"{root} not found (set --data or STORYLINE_DATA)")
    gold = {a["id"]: a["story"] for a in json.loads((root / "gold.json").read_text())["articles"]}
    arts = []
    for line in (root / "docs.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        arts.append(Article(id=r["id"], text=r["text"], title=r["title"], source=r["source"], url=r["url"],
                            published=r["published"]))
    if limit:
        # whole stories, so every kept article still has its gold partners
        keep = list(dict.fromkeys(gold[a.id] for a in arts))[: max(1, limit // 3)]
        arts = [a for a in arts if gold[a.id] in keep]
    return arts, {a.id: gold[a.id] for a in arts}


def mixed_stream(data: Path, limit: int | None = None) -> tuple[list[Article], Clusters]:
    mt = data / "meantime-en" / "intra_cross-doc_annotation"
    ecb = data / "ecbplus" / "ECB+"
    for p in (mt, ecb):
        if not p.exists():
            raise FileNotFoundError(f"{p} not found (set --data or STORYLINE_DATA)")
    files: list[tuple[Path, str]] = []
    for t in MEANTIME_TOPICS:
        files += [(f, f"meantime-{t}") for f in sorted((mt / f"corpus_{t}").glob("*.xml"))]
    for t in ECB_DEV:
        files += [(f, f"ecb{t}-{'plus' if f.stem.endswith('ecbplus') else 'ecb'}")
                  for f in sorted((ecb / t).glob("*.xml"))]
    if limit:
        per: Counter[str] = Counter()
        cap = max(2, limit // 24)
        kept = []
        for f, g in files:
            if per[g] < cap:
                per[g] += 1
                kept.append((f, g))
        files = kept
    arts, gold = [], {}
    for f, label in files:
        doc = read_cat(f, label)
        first = doc.text.split("\n", 1)[0]
        url = first if first.startswith("http") else ""
        art = Article(id=doc.id, text=doc.text, title=doc.title, published=doc.dct, url=url)
        if art.published is None:
            found = infer_published(art.text, art.url)
            if found:
                art = dataclasses.replace(art, published=found.value)
        arts.append(art)
        gold[art.id] = label
    return arts, gold


def in_date_order(arts: list[Article]) -> list[Article]:
    """Dated articles by date; undated ones after them, as a stream would meet them last."""
    return sorted(arts, key=lambda a: (a.published is None, a.published or "", a.id))


# ---- scores -------------------------------------------------------------------------------------


def _prf(p: float, r: float) -> dict[str, float]:
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def bcubed(pred: Clusters, gold: Clusters) -> dict[str, float]:
    ids = [a for a in gold if a in pred]
    if not ids:
        return _prf(0.0, 0.0)
    by_pred: dict[str, set[str]] = {}
    by_gold: dict[str, set[str]] = {}
    for a in ids:
        by_pred.setdefault(pred[a], set()).add(a)
        by_gold.setdefault(gold[a], set()).add(a)
    p = sum(len(by_pred[pred[a]] & by_gold[gold[a]]) / len(by_pred[pred[a]]) for a in ids) / len(ids)
    r = sum(len(by_pred[pred[a]] & by_gold[gold[a]]) / len(by_gold[gold[a]]) for a in ids) / len(ids)
    return _prf(p, r)


def pairwise(pred: Clusters, gold: Clusters) -> dict[str, float]:
    ids = [a for a in gold if a in pred]

    def pairs(lab: Clusters) -> Counter[tuple[str, str]]:
        size = Counter((lab[a],) for a in ids)
        return Counter({k: n * (n - 1) // 2 for k, n in size.items()})

    both = Counter((pred[a], gold[a]) for a in ids)
    tp = sum(n * (n - 1) // 2 for n in both.values())
    np_, ng = sum(pairs(pred).values()), sum(pairs(gold).values())
    return _prf(tp / np_ if np_ else 1.0, tp / ng if ng else 1.0)


# ---- the baseline -------------------------------------------------------------------------------


def baseline_clusters(arts: list[Article], threshold: float = 0.2, open_days: int = 30) -> Clusters:
    """Single pass in date order: TF-IDF (IDF fitted on the whole stream), cosine to each open
    story's centroid (mean of its members' unit vectors), join the best at ``threshold``."""
    arts = in_date_order(arts)
    tfs = [Counter(content_terms(a.text)) for a in arts]
    df: Counter[str] = Counter(t for tf in tfs for t in tf)
    n = len(arts)
    idf = {t: math.log((1 + n) / (1 + d)) + 1 for t, d in df.items()}
    stories: list[dict] = []  # {"sum": Counter, "size": int, "last": date|None}
    out: Clusters = {}
    for art, tf in zip(arts, tfs, strict=True):
        vec = {t: c * idf[t] for t, c in tf.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vec = {t: v / norm for t, v in vec.items()}
        day = published_date(art.published)
        best, score = None, threshold
        for i, st in enumerate(stories):
            if day and st["last"] and (day - st["last"]).days > open_days:
                continue
            c = st["sum"]
            cn = math.sqrt(sum(v * v for v in c.values())) or 1.0
            sc = sum(v * c.get(t, 0.0) for t, v in vec.items()) / cn
            if sc >= score:
                best, score = i, sc
        if best is None:
            stories.append({"sum": Counter(), "last": None})
            best = len(stories) - 1
        st = stories[best]
        st["sum"].update(vec)
        if day and (st["last"] is None or day > st["last"]):
            st["last"] = day
        out[art.id] = f"b{best}"
    return out


# ---- storyline ----------------------------------------------------------------------------------


def storyline_clusters(analyses: list[ArticleAnalysis]) -> Clusters:
    index = assign_all(sorted(analyses, key=lambda an: _order(an.article)))
    return {a: st.id for st in index.stories for a in st.articles}


def _order(a: Article) -> tuple[bool, str, str]:
    return (a.published is None, a.published or "", a.id)


Analyzer = Callable[[list[Article]], list[ArticleAnalysis]]


def _analyze(arts: list[Article]) -> list[ArticleAnalysis]:
    from ..extract import analyze_articles

    return analyze_articles(arts)


BASELINE = "baseline TF-IDF single pass (0.2, 30 days)"
NOTE = "thresholds tuned on these dev streams"


def score_stream(name: str, arts: list[Article], gold: Clusters, analyze: Analyzer,
                 parts: dict[str, str] | None = None) -> tuple[list[Row], dict, list[dict]]:
    """Both systems on one stream; ``parts`` (label prefix -> name) also scores each part of a
    mixed stream alone, the clustering still run on the whole stream."""
    base = baseline_clusters(arts)
    ours = storyline_clusters(analyze(arts))
    rows, details = [], {}
    scopes = {name: gold} | {f"{name}, {part} part": {a: g for a, g in gold.items() if g.startswith(prefix)}
                             for prefix, part in (parts or {}).items()}
    for scope, sub in scopes.items():
        for system, pred in ((BASELINE, base), ("storyline", ours)):
            b3, pw = bcubed(pred, sub), pairwise(pred, sub)
            task = f"stories {scope}: {system}" + (f" ({NOTE})" if system == "storyline" else "")
            rows += [Row(task, "BCubed P", b3["precision"]), Row(task, "BCubed R", b3["recall"]),
                     Row(task, "BCubed F1", b3["f1"]), Row(task, "pairwise F1", pw["f1"])]
            details[f"{scope}/{system}"] = {"bcubed": b3, "pairwise": pw,
                                            "stories": len({pred[a] for a in sub})}
        details[f"{scope}/gold stories"] = len(set(sub.values()))
    return rows, details, [{"stream": name, **e} for e in errors(ours, gold, arts)]


def errors(pred: Clusters, gold: Clusters, arts: list[Article]) -> list[dict]:
    """Each gold story split over predicted stories, and each predicted story mixing gold ones."""
    title = {a.id: f"{a.published or 'undated'} {a.title[:70]}" for a in arts}
    out = []
    by_gold: dict[str, list[str]] = {}
    by_pred: dict[str, list[str]] = {}
    for a in gold:
        by_gold.setdefault(gold[a], []).append(a)
        by_pred.setdefault(pred[a], []).append(a)
    for g, members in by_gold.items():
        if len({pred[a] for a in members}) > 1:
            out.append({"kind": "split", "gold": g, "articles": [f"{pred[a]}: {title[a]}" for a in members]})
    for p, members in by_pred.items():
        if len({gold[a] for a in members}) > 1:
            out.append({"kind": "merged", "story": p, "articles": [f"{gold[a]}: {title[a]}" for a in members]})
    return out


def eval_stories(data: Path, limit: int | None = None, analyze: Analyzer = _analyze) -> Report:
    t0 = time.perf_counter()
    rows, details, errs, n = [], {}, [], 0
    streams = (("basil-dev", basil_stream, None),
               ("MEANTIME+ECB+ dev", mixed_stream, {"meantime": "MEANTIME", "ecb": "ECB+"}))
    for name, reader, parts in streams:
        arts, gold = reader(data, limit)
        r, d, e = score_stream(name, arts, gold, analyze, parts)
        rows += r
        details.update(d)
        errs += e
        n += len(arts)
    return Report("stories (basil-dev; MEANTIME + ECB+ dev topics)", n, time.perf_counter() - t0, rows, details, errs)

