"""Quote cases, each a real sentence and the record it should give."""

import pytest

from storyline.extract import analyze_article
from storyline.model import Article


def quotes(text):
    return analyze_article(Article(id="t", text=text, published="2023-11-16")).quotes


def one(text):
    qs = quotes(text)
    assert len(qs) == 1, qs
    return qs[0]


@pytest.mark.parametrize(
    ("text", "quote", "speaker", "cue"),
    [
        ('"We will not raise it," Dan Reyes said.', "We will not raise it", "Dan Reyes", "said"),
        ('"We will not raise it," said Dan Reyes.', "We will not raise it", "Dan Reyes", "said"),
        ("“Nobody is selling,” Lina Park told Reuters.", "Nobody is selling", "Lina Park", "told"),
        ('Lina Park wrote in a post: "Nobody is selling this company."', "Nobody is selling this company.", "Lina Park", "wrote"),
        ("Senator Ann Holt called the deal a \"giveaway\".", "giveaway", "Ann Holt", "called"),
    ],
)
def test_direct(text, quote, speaker, cue):
    q = one(text)
    assert q.direct and q.text == quote and q.cue == cue
    assert speaker in (q.speaker_name or q.speaker_text)


def test_pronoun_speaker_resolves_to_antecedent():
    qs = quotes('Dan Reyes spoke to reporters on Monday. "We are not done," he said.')
    assert qs[0].speaker_text == "he" and qs[0].speaker_name == "Dan Reyes"


def test_multi_paragraph_quote_keeps_speaker():
    text = ('"We will win this fight," Lina Park said. "Our shareholders know it.\n\n'
            '"And so does Orbital," she added.')
    qs = quotes(text)
    assert [q.speaker_name or q.speaker_text for q in qs] == ["Lina Park"] * 3


def test_indirect_and_according_to():
    q = one("The ministry said in a statement that it would review the merger.")
    assert not q.direct and q.text == "it would review the merger" and q.speaker_text == "The ministry"
    q = one("Orbital could raise its offer, according to two people familiar with the talks.")
    assert q.cue == "according to" and q.speaker_text == "two people familiar with the talks"


def test_quoted_name_without_speech_is_not_a_quote():
    assert quotes('The company is building "Project Nimbus" for the army.') == []
    assert quotes('The lab released an "open-weight" model last week.') == []
