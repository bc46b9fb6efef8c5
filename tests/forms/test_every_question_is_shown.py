"""Every group of radio buttons on every form shows its question as the fieldset legend.

A radio group with only a hint ("As recorded in the school census") leaves a SENCO guessing what is
being asked, and a screen-reader user with no question at all.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from tests.helpers import text


class _Fieldsets(HTMLParser):
    """Collects, for each fieldset holding radios directly, the text of its legend."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[dict[str, object]] = []
        self.in_legend = 0
        self.radio_questions: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "fieldset":
            self.stack.append({"legend": "", "radios": False})
        elif tag == "legend" and self.stack:
            self.in_legend += 1
        elif tag == "div" and "govuk-radios" in classes and self.stack:
            self.stack[-1]["radios"] = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "legend" and self.in_legend:
            self.in_legend -= 1
        elif tag == "fieldset" and self.stack:
            fieldset = self.stack.pop()
            if fieldset["radios"]:
                self.radio_questions.append(str(fieldset["legend"]).strip())

    def handle_data(self, data: str) -> None:
        if self.in_legend and self.stack:
            self.stack[-1]["legend"] = str(self.stack[-1]["legend"]) + data


@pytest.mark.parametrize("url", ["/pupils/new", "/providers/new", "/placements/new"])
def test_radio_questions_have_legends(as_commissioner, url):
    parser = _Fieldsets()
    parser.feed(text(as_commissioner.get(url)))
    assert parser.radio_questions, "no radio groups found: the test is not looking"
    unasked = [index for index, question in enumerate(parser.radio_questions) if not question]
    assert not unasked, f"{len(unasked)} radio group(s) on {url} have no question; questions: {parser.radio_questions}"
