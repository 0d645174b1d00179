"""Per-article extraction: one article in, one ``ArticleAnalysis`` out, no global state.

Each extractor is a pure function over the parsed ``Doc``; this module is the one place where they
are assembled, so adding an extractor is adding a file and a line here.
"""

from __future__ import annotations

from spacy.tokens import Doc

from ..model import Article, ArticleAnalysis, Sentence
from ..nlp import get_nlp
from ..pubdate import published_date
from .amounts import extract_amounts
from .entities import extract_mentions
from .events import extract_events
from .facts import extract_facts
from .quotes import extract_quotes
from .spans import sentence_index
from .timex import extract_times


def analyze_doc(article: Article, doc: Doc) -> ArticleAnalysis:
    """Everything storyline reads from one parsed article."""
    aid = article.id
    sent_of = sentence_index(doc)
    sentences = [
        Sentence(f"{aid}:s{n}", aid, s.start_char, s.end_char) for n, s in enumerate(doc.sents)
    ]
    mentions = extract_mentions(doc, aid, sent_of)
    quotes = extract_quotes(doc, aid, mentions)
    amounts = extract_amounts(doc, aid, sent_of)
    times = extract_times(doc, aid, published_date(article.published), sent_of)
    events = extract_events(doc, aid, mentions, amounts, times, quotes, sent_of)
    facts = extract_facts(doc, aid, amounts, quotes, sent_of)
    return ArticleAnalysis(article, sentences, mentions, quotes, amounts, times, events, facts)


def analyze_article(article: Article) -> ArticleAnalysis:
    return analyze_doc(article, get_nlp()(article.text))


def analyze_articles(articles: list[Article], batch_size: int = 32) -> list[ArticleAnalysis]:
    """Parse with ``nlp.pipe`` (batched, which is most of the speed) then extract."""
    nlp = get_nlp()
    docs = nlp.pipe((a.text for a in articles), batch_size=batch_size)
    return [analyze_doc(a, d) for a, d in zip(articles, docs, strict=True)]
