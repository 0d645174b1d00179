"""axe-core (the npm package pinned in tests/web/axe) injected by Playwright into every page of a
server that shows its fix forms: no rule may be violated."""

import json

import httpx
import pytest

PAGES = ["/", "/story/s0", "/story/s0/timeline", "/story/s0/timeline?lanes=type", "/entity/e-dan-reyes",
         "/entity/e-vexa", "/graph", "/search?q=subpoena", "/ask?q=How+much+did+Orbital+offer+for+Vexa%3F",
         "/ask?q=What+is+the+weather+in+Lisbon%3F", "/fixes", "/entity/no-such-entity"]


@pytest.fixture(scope="module")
def pages(fix_server) -> list[str]:
    first = httpx.get(fix_server + "/api/stories").json()[0]["articles"][0]
    return [*PAGES, f"/article/{first}"]


def test_no_axe_violations_on_any_page(fix_server, browser, axe_source, pages):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    found = {}
    for path in pages:
        page.goto(fix_server + path)
        page.add_script_tag(content=axe_source)
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        bad = [{"rule": v["id"], "impact": v["impact"], "nodes": [n["html"][:120] for n in v["nodes"][:3]],
                "count": len(v["nodes"])} for v in result["violations"]]
        if bad:
            found[path] = bad
    page.close()
    assert not found, json.dumps(found, indent=1)
