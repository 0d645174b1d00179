"""A quick run on the public gold corpora, with floors a little under today's scores, so a
regression in extraction or resolution fails the build. Skipped (with the reason) without the data."""

import pytest

from storyline.eval.runner import CorpusMissing, run

# (corpus, limit, {(task prefix, metric): floor}); today's scores are in docs/EVAL.md
FLOORS = [
    ("tempeval3", None, {("time", "strict span F1"): 0.82, ("time", "relaxed span F1"): 0.90,
                         ("time", "type F1"): 0.82, ("time", "value F1"): 0.78}),
    ("quotes", None, {("quotes", "quote F1"): 0.92, ("quotes", "speaker accuracy"): 0.88,
                      ("quotes", "overall (mean of R, P, speaker)"): 0.90}),
    # PolNeAR dev, its first 12 articles (whole dev: quote F1 0.755, direct 0.898, named speakers 0.929)
    ("polnear", 12, {("attribution (50%", "quote F1"): 0.78, ("attribution (50%", "direct-quote F1"): 0.84,
                     ("attribution (50%", "named-speaker accuracy"): 0.87}),
    ("meantime", 12, {("time", "value F1"): 0.81, ("entity", "CoNLL F1"): 0.37, ("entity", "mention F1"): 0.60,
                      ("named-entity", "CoNLL F1"): 0.58}),
    ("ecbplus", 10, {("entity coreference", "CoNLL F1"): 0.30, ("named-entity", "CoNLL F1"): 0.46,
                     ("event coreference (cross-doc, gold mentions): same-lemma", "CoNLL F1"): 0.68,
                     ("event coreference (cross-doc, gold mentions): storyline fusion", "CoNLL F1"): 0.58}),
    ("semeval2015", 12, {("timelines", "entry F1"): 0.11}),
]


@pytest.mark.parametrize(("corpus", "limit", "floors"), FLOORS, ids=[f[0] for f in FLOORS])
def test_scores_stay_above_floors(corpus, limit, floors):
    try:
        [report] = run(corpus, None, limit)
    except CorpusMissing as exc:
        pytest.skip(f"gold corpus absent: {exc}")
    for (task, metric), floor in floors.items():
        rows = [r for r in report.rows if r.task.startswith(task) and r.metric == metric]
        assert rows, (task, metric)
        assert rows[0].score >= floor, f"{corpus} {task} {metric}: {rows[0].score:.3f} < floor {floor}"
