"""Corpus readers on small excerpts written in each corpus's format."""

from storyline.eval.cat import detokenize, read_cat
from storyline.eval.timeline import read_timelines
from storyline.eval.timeml import read_timeml

TML = """<?xml version="1.0" ?><TimeML><DOCID>X1</DOCID>
<DCT><TIMEX3 functionInDocument="CREATION_TIME" tid="t0" type="DATE" value="2013-03-22">March 22, 2013</TIMEX3></DCT>
<TEXT>The season <EVENT eid="e1" class="ASPECTUAL">started</EVENT> about <TIMEX3 tid="t1" type="DURATION" value="P1M">a month</TIMEX3> earlier, on <TIMEX3 tid="t2" type="DATE" value="2013-03-22">Friday</TIMEX3>.</TEXT>
</TimeML>"""

CAT = """<?xml version="1.0" ?><Document doc_id="7" doc_name="7_Test">
<token t_id="1" sentence="0" number="0">Boeing</token>
<token t_id="2" sentence="0" number="1">wins</token>
<token t_id="3" sentence="1" number="0">"</token>
<token t_id="4" sentence="1" number="1">Great</token>
<token t_id="5" sentence="1" number="2">"</token>
<token t_id="6" sentence="1" number="3">,</token>
<token t_id="7" sentence="1" number="4">it</token>
<token t_id="8" sentence="1" number="5">said</token>
<token t_id="9" sentence="1" number="6">Monday</token>
<Markables>
<ENTITY_MENTION m_id="10" syntactic_type="NAM"><token_anchor t_id="1"/></ENTITY_MENTION>
<ENTITY_MENTION m_id="11" syntactic_type="PRO"><token_anchor t_id="7"/></ENTITY_MENTION>
<EVENT_MENTION m_id="12"><token_anchor t_id="2"/></EVENT_MENTION>
<TIMEX3 m_id="13" type="DATE" value="2008-03-03" functionInDocument="NONE"><token_anchor t_id="9"/></TIMEX3>
<TIMEX3 m_id="14" type="DATE" value="2008-03-04" functionInDocument="CREATION_TIME"/>
<ENTITY m_id="20" ent_type="ORG" instance_id="ORG1" TAG_DESCRIPTOR="Boeing"/>
</Markables>
<Relations>
<REFERS_TO r_id="1"><source m_id="10"/><source m_id="11"/><target m_id="20"/></REFERS_TO>
</Relations>
</Document>"""


def test_timeml_offsets_point_at_the_text(tmp_path):
    p = tmp_path / "x.tml"
    p.write_text(TML, encoding="utf-8")
    d = read_timeml(p)
    assert d.dct == "2013-03-22"
    assert [(t.text, t.value) for t in d.times] == [("a month", "P1M"), ("Friday", "2013-03-22")]
    for t in d.times:
        assert d.text[t.start : t.end] == t.text


def test_cat_reader_builds_text_mentions_and_clusters(tmp_path):
    p = tmp_path / "7_Test.xml"
    p.write_text(CAT, encoding="utf-8")
    d = read_cat(p, "t")
    assert d.text == 'Boeing wins\n"Great", it said Monday'
    assert d.dct == "2008-03-04"
    ents = {d.text[m.start : m.end]: m for m in d.entities}
    assert ents["Boeing"].cluster == ents["it"].cluster == "ORG1" and ents["Boeing"].type == "ORG"
    assert [d.text[m.start : m.end] for m in d.events] == ["wins"]
    assert [(t.text, t.value) for t in d.times] == [("Monday", "2008-03-03")]


def test_detokenizer_joins_hyphens_and_clock_times():
    text, _ = detokenize([("1", 0, "55"), ("2", 0, "-"), ("3", 0, "year"), ("4", 0, "at"), ("5", 0, "5"),
                          ("6", 0, ":"), ("7", 0, "46"), ("8", 0, "PM")])
    assert text == "55-year at 5:46 PM"


def test_timeline_reader(tmp_path):
    (tmp_path / "airbus.txt").write_text("Airbus\n1\t2008-03-01\t100911-2-defeated\t100911-3-won\n0\tXXXX-XX-XX\t1173-12-owned\n")
    entries = read_timelines(tmp_path)
    assert [(e.doc, e.sentence, e.word, e.date) for e in entries] == [
        ("100911", 2, "defeated", "2008-03-01"), ("100911", 3, "won", "2008-03-01"), ("1173", 12, "owned", "XXXX-XX-XX")]
