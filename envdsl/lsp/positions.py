"""Character offsets <-> LSP positions.

envdsl spans are offsets into a Python `str` (code points). LSP positions are
(line, character) pairs, 0-based, where `character` counts code units of the
negotiated position encoding: UTF-16 unless client and server agreed on
UTF-8 or UTF-32. A character outside the Basic Multilingual Plane (an emoji
in a doc string) is one code point but two UTF-16 units, so the two counts
drift apart on such lines; everything that talks LSP converts here. Lines end
at `\\n`, `\\r\\n` or a lone `\\r`, as the protocol defines them.
"""

from __future__ import annotations

import bisect
import re

from lsprotocol import types as lsp

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _units(char: str, encoding: str) -> int:
    point = ord(char)
    if encoding == UTF16:
        return 2 if point > 0xFFFF else 1
    if encoding == UTF8:
        return 1 if point < 0x80 else 2 if point < 0x800 else 3 if point < 0x10000 else 4
    return 1


class LineIndex:
    """Line starts of one text, for converting in both directions."""

    def __init__(self, text: str, encoding: str = UTF16) -> None:
        self.text = text
        self.encoding = encoding
        self.line_starts = [0]
        self.line_ends: list[int] = []  # where each line's break begins
        for match in _LINE_BREAK.finditer(text):
            self.line_ends.append(match.start())
            self.line_starts.append(match.end())
        self.line_ends.append(len(text))

    def position(self, offset: int) -> lsp.Position:
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self.line_starts, offset) - 1
        start = self.line_starts[line]
        offset = min(offset, self.line_ends[line])  # inside a `\r\n`: the end of the line
        segment = self.text[start:offset]
        if self.encoding == UTF32 or segment.isascii():
            return lsp.Position(line, offset - start)
        return lsp.Position(line, sum(_units(c, self.encoding) for c in segment))

    def range(self, start: int, end: int) -> lsp.Range:
        return lsp.Range(self.position(start), self.position(end))

    def offset(self, position: lsp.Position) -> int:
        """The offset of `position`; a column past the line's end clamps to the end (as the LSP asks)."""
        if position.line >= len(self.line_starts):
            return len(self.text)
        line = max(position.line, 0)
        start, end = self.line_starts[line], self.line_ends[line]
        if self.encoding == UTF32 or self.text[start:end].isascii():
            return min(start + position.character, end)
        units = 0
        offset = start
        while offset < end and units < position.character:
            units += _units(self.text[offset], self.encoding)
            offset += 1
        return offset
