"""A full, hostile context for any document type, built from its schema: what an uploaded template is tried with.

The upload check fills the template in once with this context before it is accepted (``upload_check.check_template``
through the render worker), so a template that fails, or that is too heavy, is refused at upload instead of
failing every real document later. The context is made to be the hardest realistic one: every field filled, every
list with a few rows, every picture a real PNG of the size the service makes, and free text with the characters
that break careless templates (``&``, ``<``, quotes, emoji, right-to-left scripts, line and paragraph breaks) and
some long values. ``bench/documents.py`` uses it with every field long and many rows to measure the slowest
realistic render, from which the render limits' defaults were set.
"""

from __future__ import annotations

import base64
import struct
import zlib
from collections.abc import Iterable
from typing import Any

from service.documents.engine.schema import Field, Kind, Schema, iso_example

#: Text that has broken document templates elsewhere: XML's own characters, quotes of every kind, an emoji,
#: Arabic and Hebrew (right to left) and a tag typed by a person, which must print as text.
HOSTILE = "Tom & Jerry <b>not bold</b> “curly” 'single' \"double\" 😀 مرحبا بالعالم שלום {{ not_a_tag }}"

SENTENCE = "Ellie has found the return to school after a long absence hard & has said she feels 'lost' in big classes; "

#: The sizes of the pictures the service itself puts in documents: a drawn signature and the attendance chart.
SIGNATURE_PX = (480, 160)
CHART_PX = (900, 330)

DEFAULT_DATE = "12 January 2026"


def png(width: int, height: int) -> bytes:
    """A real PNG of the given size (diagonal stripes, so it does not compress to nothing)."""
    rows = []
    for y in range(height):
        row = bytearray(b"\x00")  # filter: none
        for x in range(width):
            shade = 255 if (x + y) // 8 % 2 else 40
            row += bytes((shade, shade, 255))
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 6))
        + chunk(b"IEND", b"")
    )


def long_text(length: int) -> str:
    """Free text of about ``length`` characters: sentences, a line break, a blank line between paragraphs."""
    if length <= 0:
        return HOSTILE
    pieces: list[str] = [HOSTILE, "\n"]
    size = len(HOSTILE) + 1
    n = 0
    while size < length:
        piece = SENTENCE + ("\n\n" if n % 4 == 3 else "")
        pieces.append(piece)
        size += len(piece)
        n += 1
    return "".join(pieces)[:length].rstrip()


class _Builder:
    def __init__(self, text_length: int, rows: int, all_long: bool) -> None:
        self.text_length, self.rows, self.all_long = text_length, rows, all_long
        self.count = 0
        self.signature = base64.b64encode(png(*SIGNATURE_PX)).decode("ascii")
        self.chart = base64.b64encode(png(*CHART_PX)).decode("ascii")

    def group(self, fields: Iterable[Field]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for f in fields:
            if f.kind is Kind.GROUP:
                values[f.name] = self.group(f.fields)
            elif f.kind is Kind.LIST:
                values[f.name] = [self.group(f.fields) for _ in range(self.rows)]
            elif f.kind is Kind.YES_NO:
                values[f.name] = True
            elif f.kind is Kind.IMAGE:
                values[f.name] = self.chart if f.name.endswith("chart_image") else self.signature
            elif f.kind is Kind.DATE:
                example = f.example or DEFAULT_DATE
                values[f.name] = example
                values[f"{f.name}_iso"] = iso_example(example)
            else:
                values[f.name] = self.text(f)
        return values

    def text(self, f: Field) -> str:
        self.count += 1
        # Free text is long; so is one short field in five (a long address, a long name of a provider).
        if f.kind is Kind.PARAGRAPHS or self.all_long or self.count % 5 == 0:
            return long_text(self.text_length)
        example = str(f.example) if f.example else f.name.replace("_", " ")
        return f"{example} {HOSTILE}"


def sample_context(
    schema: Schema, *, text_length: int = 2_000, rows: int = 3, all_long: bool = False
) -> dict[str, Any]:
    """Every field of ``schema`` filled: lists with ``rows`` rows, free text (and one short field in five, or every
    text field when ``all_long``) ``text_length`` characters long, every yes/no true, every picture a real PNG."""
    return _Builder(text_length, rows, all_long).group(schema.fields)
