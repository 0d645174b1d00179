"""docs/EVAL.md: a corpus measured again replaces only its own section; the hand-written analysis stays."""

from storyline.eval.records import Report, Row
from storyline.eval.report import MARKER, write_docs


def test_partial_rewrite_keeps_other_corpora_and_the_analysis(tmp_path):
    page = tmp_path / "EVAL.md"
    write_docs([Report("alpha", 3, 1.0, [Row("quotes", "quote F1", 0.5)]),
                Report("beta", 4, 2.0, [Row("facts", "F1", 0.25)])], page, "storyline eval all")
    page.write_text(page.read_text(encoding="utf-8") + "\nOur reading of the errors.\n", encoding="utf-8")

    write_docs([Report("beta", 4, 2.0, [Row("facts", "F1", 0.75)])], page, "storyline eval beta")
    text = page.read_text(encoding="utf-8")
    generated, kept = text.split(MARKER)
    assert generated.index("## alpha") < generated.index("## beta")
    assert "| quotes | quote F1 | 50.0 |" in generated  # alpha untouched
    assert "| facts | F1 | 75.0 |" in generated and "| facts | F1 | 25.0 |" not in generated
    assert "`storyline eval beta`" in generated and generated.count("## beta") == 1
    assert "Our reading of the errors." in kept
