"""Near-duplicate competency names: "Patient safety awareness" beside "Patient safety".

Two names match when one's words hold the other's (token-set similarity of 90 or more,
which also forgives a typo), or when they open with the same word and share at least half
of the shorter name's words ("Ownership and follow-through" / "Ownership and
reliability"). "Patient safety" and "Data safety" share a word, but not the first one: the
first word names what the competency is about, so they do not match.
"""

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

# Words that carry no meaning in a competency's name.
FILLER = {"and", "or", "the", "a", "an", "of", "for", "with", "in", "to", "on", "at", "skills"}
SIMILAR = 90


@dataclass(frozen=True)
class Match:
    name: str
    score: int
    why: str


def words(name: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9]+", name.lower()) if w not in FILLER]


def similar(name: str, other: str) -> Match | None:
    """Whether `other` looks like the same competency as `name`, and why."""
    a, b = words(name), words(other)
    if not a or not b or a == b:
        return None
    score = fuzz.token_set_ratio(" ".join(a), " ".join(b))
    if score >= SIMILAR:
        shorter, longer = sorted((a, b), key=len)
        if set(shorter) <= set(longer):
            why = "one name holds the other's words"
        else:
            why = "nearly the same words"
        return Match(other, round(score), why)
    shared = set(a) & set(b)
    if a[0] == b[0] and len(shared) * 2 >= min(len(set(a)), len(set(b))):
        return Match(other, round(score), f"both start with “{a[0]}”")
    return None


def matches(name: str, names: list[str]) -> list[Match]:
    """The names among `names` that look like `name`, closest first."""
    found = [m for other in names if (m := similar(name, other)) is not None]
    return sorted(found, key=lambda m: (-m.score, m.name.lower()))


def duplicate_pairs(names: list[str]) -> list[tuple[str, str, Match]]:
    """Pairs of names in one catalogue that look alike, each pair once."""
    pairs = []
    for n, first in enumerate(names):
        for second in names[n + 1 :]:
            match = similar(first, second)
            if match is not None:
                pairs.append((first, second, match))
    return sorted(pairs, key=lambda p: (-p[2].score, p[0].lower()))
