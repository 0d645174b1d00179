"""Reader for TimeML files (TempEval-3 ``.tml``, SemEval-2015 TimeLine Track A): the text of
``<TEXT>`` with inline ``<TIMEX3>`` tags removed, their character offsets, and the DCT."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from .records import GoldDoc, GoldTime


def _walk(el: ET.Element, parts: list[str], times: list[GoldTime], pos: list[int]) -> None:
    if el.text:
        parts.append(el.text)
        pos[0] += len(el.text)
    for child in el:
        start = pos[0]
        _walk(child, parts, times, pos)
        if child.tag == "TIMEX3":
            text = "".join(parts)[start : pos[0]]
            times.append(GoldTime(start, pos[0], text, child.get("type", ""), child.get("value", "")))
        if child.tail:
            parts.append(child.tail)
            pos[0] += len(child.tail)


def read_timeml(path: str | Path) -> GoldDoc:
    root = ET.parse(path).getroot()
    dct_el = root.find("DCT/TIMEX3")
    dct = dct_el.get("value") if dct_el is not None else None
    text_el = root.find("TEXT")
    if text_el is None:
        raise ValueError(f"{path}: no <TEXT> element")
    parts: list[str] = []
    times: list[GoldTime] = []
    _walk(text_el, parts, times, [0])
    docid = root.findtext("DOCID") or Path(path).name.split(".")[0]
    title = (root.findtext("TITLE") or "").strip()
    return GoldDoc(id=docid.strip(), text="".join(parts), dct=(dct or "")[:10] or None, title=title,
                   times=sorted(times, key=lambda t: t.start))
