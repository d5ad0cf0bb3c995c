"""Names compared the way case workers compare them: tolerant of transliteration.

The same person's name reaches Kotopaikka spelt by different hands (UNHCR, the Finnish
Immigration Service, a reception centre, a municipality): Mohammad, Muhammad, Mohamed,
Mohammed; Al-Hassan, Alhassan, al Hasan; Abdul Rahman, Abdulrahman. A search or a duplicate
check that compares letters exactly misses them, and a new record is made for a person who
already has one. This module is the one place that decides when two names are "the same".

It is pure (no Django, no database) so that it can be tested on its own, and has two parts:

* `normalise()` turns a name into a *key*: lower case, no diacritics, the Arabic article and
  the *Abd al-* compounds written one way, common transliteration variants collapsed (ou/oo
  to u, ee to i, ei to ai, kh to h, ph to f, q to k, y and an initial j to i, double letters
  to one, o to u).
  Keys are stored beside the name (`Person.name_key`, `PersonName.value_key`) and indexed
  with trigrams on PostgreSQL.
* `tokens_match()` decides on keys: every part of one name must find its own part in the
  other, equal or within a small edit budget (one edit per five letters, counted with
  rapidfuzz's Levenshtein distance), so that Mohamed and Mohammad match (one letter apart
  after normalisation) but Ali and Alia, Hasan and Husain, Mahmoud and Muhammad do not.

What it deliberately does not do: guess at Arabic-script or Cyrillic spellings (names in
another script are compared in that script, as written), or treat different names as
nicknames of each other.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from rapidfuzz.distance import Levenshtein

#: Letters that Unicode decomposition does not turn into a base letter and a mark.
_LETTERS = str.maketrans(
    {"ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "đ": "d", "ð": "d", "þ": "th", "ł": "l", "ı": "i"}
)
#: Apostrophes and the Arabic ayn/hamza signs of Latin transliterations (Sa'id, Ma’mun).
_APOSTROPHES = re.compile(r"['’ʼ`´ʻʿʾ‘]")
_WORD = re.compile(r"[^\W\d_]+")

#: The Arabic definite article, as a word of its own (al Hasan, el-Sayed, ul-Haq).
_ARTICLES = frozenset({"al", "el", "ul", "il"})
#: The article assimilated to the next word's first consonant: ar-Rahman, as-Sayed, an-Nur.
_SUN_ARTICLES = frozenset({"ar", "as", "ad", "an", "at", "az", "ash", "ath", "adh"})
#: "Servant of": Abd, Abdul, Abdel ... a name of its own only together with the next word.
_ABD = re.compile(r"^abd(?:[aeiou]|ou|oe)?[lrsdtzn]?$")
#: An article glued to its word (Alhassan, Elsayed): dropped when a consonant and at least
#: four letters follow, so that Alina, Elias and Alexander keep their first letters.
_GLUED_ARTICLE = re.compile(r"^(?:al|el)(?=[^aeiouy][a-z]{3})")
#: Abdurrahman, Abdussalam: the article assimilated inside an Abd- compound.
_ABD_SUN = re.compile(r"^abd[aeiou]([rsdtzn])(?=\1)")
#: Abdulrahman, Abdelkarim: the compound written as one word (Abdullah, Abdulla stay).
_ABD_GLUED = re.compile(r"^abd(?:[aeiou]|ou|oe)l(?=[a-z]{3})")
#: Transliteration variants, in this order (ou before the o of the last step).
_VARIANTS = (
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
    ("ei", "ai"),
    ("kh", "h"),
    ("ph", "f"),
    ("ck", "k"),
    ("q", "k"),
    ("y", "i"),
)
_DOUBLE = re.compile(r"(.)\1+")
#: A word-initial J before a vowel is the Y of English spellings (Jusuf, Yusuf; Jasmin).
_INITIAL_J = re.compile(r"^j(?=[aeiou])")


def fold(text: str) -> str:
    """Lower case without diacritics (ä -> a, é -> e, ß -> ss); other scripts keep their
    letters, without vowel signs."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_LETTERS)
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _words(text: str) -> list[str]:
    return _WORD.findall(_APOSTROPHES.sub("", fold(text)))


def _without_articles(words: list[str]) -> list[str]:
    """Drop the article where it is a word of its own (al Hasan, Al-Hassan) or assimilated
    (ar-Rahman), and where it is glued to a name (Alhassan); a name that is only "Al" stays."""
    kept: list[str] = []
    for index, word in enumerate(words):
        following = words[index + 1] if index + 1 < len(words) else ""
        if len(words) > 1 and word in _ARTICLES:
            continue
        if following and word in _SUN_ARTICLES and following.startswith(word[1:]):
            continue
        kept.append(word)
    return [_GLUED_ARTICLE.sub("", word) if word.isascii() else word for word in kept]


def _abd_compounds(words: list[str]) -> list[str]:
    """Abdul Rahman, Abd al-Rahman, Abdel Rahman, Abdulrahman, Abdurrahman -> abdrahman."""
    out: list[str] = []
    pending = ""
    for word in words:
        word = _ABD_SUN.sub("abd", word)
        if pending:
            out.append("abd" + word)
            pending = ""
        elif _ABD.match(word):
            pending = word
        else:
            collapsed = _DOUBLE.sub(r"\1", word)  # Abdullah: the double l is not "abdul"
            out.append(_ABD_GLUED.sub("abd", collapsed) if _ABD_GLUED.match(collapsed) else word)
    if pending:
        out.append(pending)
    return out


def _variant(word: str) -> str:
    if not word.isascii():
        return word  # another script: compared as written (folded)
    for old, new in _VARIANTS:
        word = word.replace(old, new)
    word = _INITIAL_J.sub("i", word)
    word = _DOUBLE.sub(r"\1", word)
    return word.replace("o", "u")


def normalise(name: str) -> str:
    """The key of a name: its parts, normalised, separated by single spaces (order kept).

    >>> normalise("Mohammed Al-Hassan"), normalise("Muhammad Alhassan")
    ('muhamed hasan', 'muhamad hasan')
    """
    words = _abd_compounds(_without_articles(_words(name)))
    return " ".join(w for w in (_variant(word) for word in words) if w)


def tokens(key: str) -> list[str]:
    """The parts of a key (see `normalise`)."""
    return key.split()


def budget(a: str, b: str) -> int:
    """How many single-letter edits two name parts may differ by and still be the same
    name: one per five letters of the longer (none for names of up to four letters)."""
    return max(len(a), len(b)) // 5


def part_matches(a: str, b: str, *, prefix: bool = False) -> bool:
    """Are two name parts (keys) the same name? With `prefix`, a part being typed (at least
    two letters) also matches a part it begins."""
    if a == b:
        return True
    if prefix and len(a) >= 2 and b.startswith(a):
        return True
    allowed = budget(a, b)
    return allowed > 0 and Levenshtein.distance(a, b, score_cutoff=allowed) <= allowed


def _assign(needles: Sequence[str], haystack: Sequence[str], prefix: bool) -> int | None:
    """Match every needle to its own part of `haystack`; the number of exact matches, or
    None when some needle finds no part. Exact matches are taken first, so that a fuzzy
    match never takes the part an exact one needs."""
    free = list(haystack)
    exact = 0
    rest: list[str] = []
    for needle in needles:
        if needle in free:
            free.remove(needle)
            exact += 1
        else:
            rest.append(needle)
    for needle in rest:
        found = next((part for part in free if part_matches(needle, part, prefix=prefix)), None)
        if found is None:
            return None
        free.remove(found)
    return exact


def score(query: Sequence[str], name: Sequence[str], *, prefix: bool = False) -> int:
    """How well the name parts `query` find themselves in `name` (both keys' parts), 0 when
    they do not: every query part must match its own part of the name (in any order, so a
    search for the given name alone, or family name first, finds the person).

    A name written as one word in one place and two in another (Mohammadali / Mohammad
    Ali) is matched as a whole. Higher is better: 100 when every part is equal, less for
    parts that are only near.
    """
    if not query or not name:
        return 0
    if len(query) <= len(name):
        exact = _assign(query, name, prefix)
        if exact is not None:
            return 50 + (50 * exact) // len(query)
    joined_q, joined_n = "".join(query), "".join(name)
    if len(query) != len(name) and part_matches(joined_q, joined_n):
        return 50 + (50 if joined_q == joined_n else 0)
    return 0


def same_person_name(a: Sequence[str], b: Sequence[str]) -> bool:
    """Could two full names (keys' parts) be the same person's, for a duplicate check? The
    shorter name's every part must match its own part of the longer (a missing middle name
    is allowed), and the shorter must have at least two parts unless both have one."""
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    if not shorter or (len(shorter) < 2 and len(longer) > 1):
        return False
    return score(shorter, longer) > 0


def best_score(query: Sequence[str], forms: Iterable[Sequence[str]], *, prefix: bool) -> int:
    """The best `score` of the query against any of a person's name forms."""
    return max((score(query, form, prefix=prefix) for form in forms), default=0)
