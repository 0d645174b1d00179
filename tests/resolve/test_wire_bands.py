"""Wire-copy detection builds an LSH index per story it resolves; the band layout for the threshold
is worked out once (datasketch integrates numerically for it in every index it builds otherwise)."""

import datasketch.lsh
from datasketch import MinHashLSH

from storyline.model import Article, ArticleAnalysis
from storyline.resolve import wire
from storyline.resolve.wire import THRESHOLD, wire_groups

STORY = ("The harbor authority voted on Tuesday to approve a new container terminal on the east side of "
         "the bay, after three years of hearings in which residents objected to the noise of night traffic "
         "and the loss of the old ferry landing that the city had promised to keep open for commuters.")


def _an(aid: str, text: str, published: str) -> ArticleAnalysis:
    return ArticleAnalysis(Article(id=aid, text=text, source=aid, published=published))


def test_copies_found_without_working_out_the_bands_again(monkeypatch):
    arts = [_an("wire", STORY, "2024-03-01"), _an("reprint", STORY + " Reporting by staff.", "2024-03-02"),
            _an("other", "A different story entirely about a school board budget and its many long "
                "meetings over the winter, the teachers' union and the parents who came to speak.", "2024-03-02")]
    expected = MinHashLSH(threshold=THRESHOLD, num_perm=128)
    first = wire_groups(arts)
    assert wire._bands(THRESHOLD, 128) == (expected.b, expected.r)

    def integrate(*args, **kwargs):
        raise AssertionError("band layout worked out again")

    monkeypatch.setattr(datasketch.lsh, "_optimal_param", integrate)
    again = wire_groups(arts)
    assert again == first
    assert [(g.canonical, g.copies) for g in again] == [("wire", ["reprint"])]
