"""'Quotes by speaker' lists words someone said; credited beliefs and findings stay out of it."""

from storyline.model import Article, ArticleAnalysis, Dossier, Entity, EntityMention, Quote, Sentence
from storyline.render.markdown import render_markdown
from storyline.render.speakers import quotes_by_speaker


def _quote(qid: str, text: str, kind: str, speaker: str | None, speaker_text: str) -> Quote:
    return Quote(qid, "a1", text, 0, len(text), speaker_text, 0, 4, "said", True, kind=kind, speaker=speaker)


def test_only_speech_grouped_most_quoted_first():
    text = "Park said the offer was low. Reyes believes the deal will close. Park said no."
    an = ArticleAnalysis(Article("a1", text), sentences=[Sentence("a1:s0", "a1", 0, len(text))], quotes=[
        _quote("q1", "the offer was low", "speech", "e1", "Park"),
        _quote("q2", "the deal will close", "attribution", "e2", "Reyes"),
        _quote("q3", "no", "speech", "e1", "Park"),
        _quote("q4", "we will see", "speech", None, "a spokesman"),
    ])
    d = Dossier([an], entities=[Entity("e1", "Lina Park", "PERSON", mentions=[EntityMention("a1", 0, 4, "Park")]),
                                Entity("e2", "Dan Reyes", "PERSON", mentions=[EntityMention("a1", 29, 34, "Reyes")])])
    groups = quotes_by_speaker(d)
    assert [(who, [q.id for q in qs]) for who, qs in groups] == [("Lina Park", ["q1", "q3"]), ("a spokesman", ["q4"])]
    assert quotes_by_speaker(d, articles=["other"]) == []
    assert "the deal will close" not in render_markdown(d).split("## Quotes by speaker")[1]
