"""Cutting text into sentences, incrementally, so speech can start before a reply ends.

:class:`SentenceSplitter` takes text as it streams in (model deltas of any size) and
hands back each sentence as soon as it is certainly complete: a sentence ends at
``.``, ``!``, ``?`` or ``…`` (with any closing quotes or brackets) followed by
whitespace, at a blank line, or right after a CJK full stop (``。！？``). A ``.`` does
not end a sentence after a common abbreviation ("Dr.", "e.g."), a single-letter
initial ("J. Smith") or inside a number ("3.14", since no space follows). Text after
the last boundary stays buffered until more arrives or :meth:`SentenceSplitter.flush`.

:func:`split_sentences` applies the same rules to a complete text.
"""

from __future__ import annotations

import re

__all__ = ["SentenceSplitter", "split_sentences"]

_TERMINATORS = ".!?…"
_CJK_TERMINATORS = "。！？"
_CLOSERS = "\"'”’)]}»"
_ABBREVIATIONS = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "sr",
        "jr",
        "st",
        "mt",
        "vs",
        "etc",
        "e.g",
        "i.e",
        "cf",
        "approx",
        "dept",
        "inc",
        "ltd",
        "co",
        "corp",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "a.m",
        "p.m",
        "u.s",
    }
)
_WORD_BEFORE_DOT = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")


def _is_abbreviation(text: str) -> bool:
    """Whether the ``.`` ending ``text`` belongs to an abbreviation or an initial."""
    match = _WORD_BEFORE_DOT.search(text)
    if match is None:
        return False
    word = match.group(1)
    if len(word) == 1 and word.isupper():
        return True  # an initial: "J. Smith"
    return word.lower() in _ABBREVIATIONS


class SentenceSplitter:
    """Accumulates streamed text and releases whole sentences as soon as they end.

    ``min_chars`` merges a very short sentence ("Hi.") with the next one so a speech
    engine is not asked for tiny fragments; 0 (the default) releases every sentence.
    Sentences are returned stripped of surrounding whitespace; empty ones are dropped.
    """

    def __init__(self, *, min_chars: int = 0) -> None:
        if min_chars < 0:
            raise ValueError("min_chars must not be negative")
        self.min_chars = min_chars
        self._buffer = ""
        self._scanned = 0
        """Characters of ``_buffer`` already known not to hold a boundary."""

    def feed(self, text: str) -> list[str]:
        """Add streamed text; return the sentences it completed (possibly none)."""
        self._buffer += text
        sentences: list[str] = []
        while True:
            end = self._next_boundary()
            if end is None:
                break
            sentence = self._buffer[:end].strip()
            if self.min_chars and len(sentence) < self.min_chars:
                # Too short on its own: keep it and look for the next boundary.
                self._scanned = end
                continue
            self._buffer = self._buffer[end:]
            self._scanned = 0
            if sentence:
                sentences.append(sentence)
        return sentences

    def flush(self) -> str | None:
        """Return whatever text is buffered (the reply's last sentence) and reset."""
        rest = self._buffer.strip()
        self._buffer = ""
        self._scanned = 0
        return rest or None

    @property
    def pending(self) -> str:
        """Text received but not yet released as a sentence."""
        return self._buffer

    def _next_boundary(self) -> int | None:
        """Index just after the first certain sentence end at or after ``_scanned``."""
        text = self._buffer
        index = self._scanned
        while index < len(text):
            char = text[index]
            if char in _CJK_TERMINATORS:
                return self._after_closers(index + 1, need_space=False)
            if char == "\n" and text[index + 1 : index + 2] == "\n":
                return index + 2
            if char in _TERMINATORS:
                end = self._after_closers(index + 1, need_space=True)
                if end is None:
                    self._scanned = index  # wait: the next character decides
                    return None
                if end > 0 and not (char == "." and _is_abbreviation(text[: index + 1])):
                    return end
            index += 1
        self._scanned = index
        return None

    def _after_closers(self, start: int, *, need_space: bool) -> int | None:
        """End of a candidate sentence: after terminators and closers, before whitespace.

        Returns ``None`` when the buffer ends before it is decided, ``0`` when the
        candidate is not a boundary (no whitespace follows).
        """
        text = self._buffer
        end = start
        while end < len(text) and (text[end] in _TERMINATORS or text[end] in _CLOSERS):
            end += 1
        if not need_space:
            return end
        if end >= len(text):
            return None
        return end if text[end].isspace() else 0


def split_sentences(text: str, *, min_chars: int = 0) -> list[str]:
    """Split a complete text into sentences with the rules of :class:`SentenceSplitter`."""
    splitter = SentenceSplitter(min_chars=min_chars)
    sentences = splitter.feed(text)
    rest = splitter.flush()
    if rest is not None:
        sentences.append(rest)
    return sentences
