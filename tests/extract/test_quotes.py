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
    q = one(text)  # one passage: it reopens in the next paragraph
    assert q.speaker_name == "Lina Park"
    assert q.text.startswith("We will win") and q.text.endswith("And so does Orbital")


def test_indirect_and_according_to():
    q = one("The ministry said in a statement that it would review the merger.")
    assert not q.direct and q.text == "it would review the merger" and q.speaker_text == "The ministry"
    q = one("Orbital could raise its offer, according to two people familiar with the talks.")
    assert q.cue == "according to" and q.speaker_text == "two people familiar with the talks"


def test_quoted_name_without_speech_is_not_a_quote():
    assert quotes('The company is building "Project Nimbus" for the army.') == []
    assert quotes('The lab released an "open-weight" model last week.') == []


def speaker_of(q):
    return q.speaker_name or q.speaker_text


def test_two_apostrophes_are_quotation_marks():
    q = one("''We must not overreact to campaign rhetoric,'' he told reporters after the vote.")
    assert q.text == "We must not overreact to campaign rhetoric" and q.direct


def test_passage_split_by_its_attribution_is_one_quote():
    text = 'Lina Park spoke first. “Here he is, babe,” she said, clapping. “Donald’s here, babe.”'
    q = one(text)
    assert q.text.startswith("Here he is") and q.text.endswith("Donald’s here, babe.")
    assert q.speaker_name == "Lina Park"


def test_mixed_quote_gives_the_reported_clause():
    q = one('Senator Ann Holt said the agreements were handed out "like candy" to donors.')
    assert q.text == 'the agreements were handed out "like candy" to donors' and q.speaker_name == "Ann Holt"
    q = one('Senator Ann Holt called the deal a "giveaway".')
    assert q.text == 'the deal a "giveaway"' and q.speaker_name == "Ann Holt" and q.kind == "speech"


def test_quoted_show_title_is_not_a_quote():
    qs = quotes('Bernie Sanders told “Morning Joe” that the race was far from over.')
    assert [q.text for q in qs] == ["the race was far from over"]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Spokeswoman Sandy Angers said the team had been merged into the parent team.", "Sandy Angers"),
        ('The company president and CEO Louis Gallois said: "Today is a great day in aviation history."',
         "Louis Gallois"),
        ('"We are rolling out the first delivery airplane," said Scott Fancher, vice president of the program.',
         "Scott Fancher"),
        ('"We will review every part of the merger," a statement from the Finance Ministry said.', "Finance Ministry"),
        ("Mr. Grassley and Mr. Leahy said other changes are needed in the bill.", "Grassley and Leahy"),
    ],
)
def test_speaker_names_inside_titles_roles_and_documents(text, name):
    q = one(text)
    assert name in q.speaker_name, (q.speaker_text, q.speaker_name)


def test_relative_word_is_never_the_speaker():
    qs = quotes("The plan was backed by Dan Reyes, who said the merger would create jobs in the region.")
    assert qs and all((q.speaker_text or "").lower() not in {"who", "which", "that"} for q in qs)
    assert qs[0].speaker_name == "Dan Reyes"


def test_unresolved_pronoun_keeps_the_text_and_no_name():
    q = one('"We are not going anywhere," she said.')
    assert q.speaker_text == "she" and q.speaker_name is None


def test_pronoun_follows_the_passage_past_other_people():
    text = ('Mr. Dan Reyes spoke for an hour on Monday. "We will win this fight," Reyes said.\n\n'
            'The hall was full. Ms. Lina Park, a rival, left early. The vote is due in June.\n\n'
            'Markets were calm. Analysts expect little change.\n\n'
            '"Nobody is selling this company," he said.')
    qs = quotes(text)
    assert qs[-1].speaker_text == "he" and qs[-1].speaker_name == "Dan Reyes"


def test_cue_alone_in_the_next_sentence():
    q = one('"We will cut taxes for families and we will do it this year." Said Stephen Harper.')
    assert q.speaker_name == "Stephen Harper"


def test_transcript_turns_and_dash_sources():
    qs = quotes('Partial transcript:\n\n"WALLACE: Let us start with the news of the day, governor.\n\n'
                '"PENCE: Well, look, this is serious business.')
    assert [(q.text, q.speaker_name) for q in qs] == [
        ("Let us start with the news of the day, governor.", "WALLACE"), ("Well, look, this is serious business.", "PENCE")]
    q = one("“He has empowered racists to be open with their prejudice.” ― Sonya Herridge\n")
    assert q.speaker_name == "Sonya Herridge"


@pytest.mark.parametrize(
    ("text", "content", "speaker"),
    [
        ("Donald Trump has vowed to bring back lost mining jobs.", "to bring back lost mining jobs", "Donald Trump"),
        ("Senator Ann Holt accused the company of hiding its losses.", "the company of hiding its losses", "Ann Holt"),
        ("A report by the Government Accountability Office found that the agency lost track of the money.",
         "the agency lost track of the money", "Government Accountability Office"),
    ],
)
def test_attributions_beyond_speech(text, content, speaker):
    q = one(text)
    assert content in q.text and q.kind == "attribution" and not q.direct
    assert speaker in (q.speaker_name or q.speaker_text)


def test_speech_stays_speech_and_negated_cues_attribute_nothing():
    q = one("The ministry said in a statement that it would review the merger.")
    assert q.kind == "speech"
    assert quotes("Dan Reyes did not say whether the plant would close.") == []


def test_cue_table_ships_with_the_package():
    from storyline.extract.cues import CUE_TABLE, cue_table, precision

    assert CUE_TABLE.exists() and cue_table()
    assert precision("say", "ccomp>") > 0.5 and precision("eat", "dobj") == 0.0
