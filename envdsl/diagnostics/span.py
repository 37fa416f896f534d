"""Source spans and the source map that turns offsets into lines and columns.

Every phase works with byte-free character offsets into a file's text; only the
renderer (and the few places that talk to editors) convert them to line:col,
through `SourceMap`.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A half-open range of characters `[start, end)` in the file at `path`."""

    path: str
    start: int
    end: int

    def cover(self, other: Span) -> Span:
        """The smallest span covering both (same file)."""
        return Span(self.path, min(self.start, other.start), max(self.end, other.end))


@dataclass(slots=True)
class SourceFile:
    path: str
    text: str
    _line_starts: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        starts = [0]
        for i, ch in enumerate(self.text):
            if ch == "\n":
                starts.append(i + 1)
        self._line_starts = starts

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a character offset."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self._line_starts, offset) - 1
        return line + 1, offset - self._line_starts[line] + 1

    def offset(self, line: int, col: int) -> int:
        """Character offset of a 1-based line and column (clamped to the text)."""
        line = max(1, min(line, len(self._line_starts)))
        start = self._line_starts[line - 1]
        end = self._line_starts[line] - 1 if line < len(self._line_starts) else len(self.text)
        return min(start + max(col, 1) - 1, end)

    def line_text(self, line: int) -> str:
        start = self._line_starts[line - 1]
        end = self._line_starts[line] - 1 if line < len(self._line_starts) else len(self.text)
        return self.text[start:end]

    @property
    def line_count(self) -> int:
        return len(self._line_starts)


class SourceMap:
    """The texts of every file a run has read, keyed by the path used in spans."""

    def __init__(self) -> None:
        self._files: dict[str, SourceFile] = {}

    def add(self, path: str, text: str) -> SourceFile:
        source = SourceFile(path, text)
        self._files[path] = source
        return source

    def get(self, path: str) -> SourceFile | None:
        return self._files.get(path)

    def __contains__(self, path: str) -> bool:
        return path in self._files
