"""Reader for CAT XML (MEANTIME, ECB+): tokens are joined back into text with character offsets,
and markables (given as token anchors) become character spans on that text.

Cross-document clusters come from ``REFERS_TO`` to an instance with an ``instance_id`` (MEANTIME)
or from ``CROSS_DOC_COREF``/``INTRA_DOC_COREF`` relations (ECB+). A mention in no relation is a
singleton, as in the standard evaluations.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

from ..pubdate import DateError, parse_published
from .records import GoldDoc, GoldMention, GoldTime

_NO_SPACE_BEFORE = {",", ".", ":", ";", "!", "?", ")", "]", "}", "%", "'s", "'", "n't", "'re", "'ve",
                    "'ll", "'d", "'m", "’s", "''"}
_NO_SPACE_AFTER = {"(", "[", "{", "$", "``", "#"}
_JOINERS = {"-", "/"}  # ECB+ splits "55-year-old" and URLs into tokens


def detokenize(tokens: list[tuple[str, int, str]]) -> tuple[str, dict[str, tuple[int, int, int, int]]]:
    """(t_id, sentence, word) in order -> text with one sentence per line, and t_id -> offsets."""
    out: list[str] = []
    pos = 0
    offsets: dict[str, tuple[int, int, int, int]] = {}
    sentence, number, prev, open_quote = None, 0, "", False
    for tid, sent, word in tokens:
        if sentence is None:
            sep = ""
        elif sent != sentence:
            sep, number, open_quote = "\n", 0, False
        elif word == '"':
            sep = "" if open_quote else " "
        elif word in _NO_SPACE_BEFORE or prev in _NO_SPACE_AFTER or (prev == '"' and open_quote):
            sep = ""
        elif word in _JOINERS or prev in _JOINERS or (prev == ":" and word[:1].isdigit()):
            sep = ""
        else:
            sep = " "
        if word == '"':
            open_quote = not open_quote
        out.append(sep)
        pos += len(sep)
        offsets[tid] = (sent, number, pos, pos + len(word))
        out.append(word)
        pos += len(word)
        sentence, prev = sent, word
        number += 1
    return "".join(out), offsets


ENTITY_TAGS = ("ENTITY_MENTION", "HUMAN_PART", "NON_HUMAN_PART", "LOC_")
EVENT_TAGS = ("EVENT_MENTION", "ACTION_")


def read_cat(path: str | Path, topic: str = "") -> GoldDoc:
    root = ET.parse(path).getroot()
    tokens = [(t.get("t_id", ""), int(t.get("sentence", "0")), t.text or "") for t in root.iter("token")]
    text, offsets = detokenize(tokens)
    doc_id = root.get("doc_name", Path(path).stem).removesuffix(".xml")
    markables = root.find("Markables")
    relations = root.find("Relations")
    anchored: dict[str, tuple[str, list[str], dict[str, str]]] = {}
    instances: dict[str, dict[str, str]] = {}
    for m in markables if markables is not None else []:
        anchors = [a.get("t_id", "") for a in m.findall("token_anchor") if a.get("t_id") in offsets]
        if anchors:
            anchored[m.get("m_id", "")] = (m.tag, anchors, dict(m.attrib))
        else:
            instances[m.get("m_id", "")] = dict(m.attrib)
    cluster: dict[str, str] = {}
    etype: dict[str, str] = {}
    for r in relations if relations is not None else []:
        sources = [s.get("m_id", "") for s in r.findall("source")]
        target = r.find("target")
        tid = target.get("m_id", "") if target is not None else ""
        if r.tag == "REFERS_TO" and tid in instances:
            inst = instances[tid]
            cid = inst.get("instance_id") or f"{doc_id}#{tid}"
            for s in sources:
                cluster[s] = cid
                etype[s] = inst.get("ent_type", "")
        elif r.tag in {"CROSS_DOC_COREF", "INTRA_DOC_COREF"}:
            cid = r.get("note") or f"{doc_id}#{tid}"
            for s in sources:
                cluster[s] = cid
    doc = GoldDoc(id=doc_id, text=text, topic=topic, tokens=offsets)
    for mid, (tag, anchors, attrib) in anchored.items():
        spans = [offsets[a] for a in anchors]
        start, end = min(s[2] for s in spans), max(s[3] for s in spans)
        sent = spans[0][0]
        if tag == "TIMEX3":
            t = GoldTime(start, end, text[start:end], attrib.get("type", ""), attrib.get("value", ""))
            if attrib.get("functionInDocument") == "CREATION_TIME":
                doc.dct = t.value[:10]
            doc.times.append(t)
            continue
        gm = GoldMention(doc_id, mid, tag, start, end, sent, cluster.get(mid, f"{doc_id}#{mid}"), etype.get(mid, ""),
                         attrib.get("syntactic_type", ""))
        if tag.startswith(ENTITY_TAGS):
            doc.entities.append(gm)
        elif tag.startswith(EVENT_TAGS):
            doc.events.append(gm)
    if doc.dct is None:
        dcts = [i for i in instances.values() if i.get("functionInDocument") == "CREATION_TIME"]
        if dcts:
            doc.dct = dcts[0].get("value", "")[:10] or None
    if doc.dct:
        try:
            doc.dct = parse_published(doc.dct)[:10]
        except DateError:
            doc.dct = None
    doc.times.sort(key=lambda t: t.start)
    lines = text.split("\n")
    doc.title = lines[0] if lines else ""
    return doc


def sentences_by_doc(csv_path: str | Path) -> dict[str, set[int]]:
    """ECB+'s list of the sentences that were annotated (the only ones scored)."""
    out: dict[str, set[int]] = defaultdict(set)
    for n, line in enumerate(Path(csv_path).read_text(encoding="utf-8").splitlines()):
        if n == 0 or not line.strip():
            continue
        topic, name, sent = line.split(",")
        out[f"{topic}_{name}"].add(int(sent))
    return out
