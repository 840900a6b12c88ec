"""Author names as digests give them (``Yichen Shi``, ``Alvarez, M.``, ``Bj\\"{o}rn
Ommer``) split into the parts every citation format wants: given, particle, family, suffix.

The split is BibTeX's own rule (bibtexparser's implementation of it): without a comma
the last word is the family name and lower-case words before it are particles
(``Jean-Pierre de la Cruz`` → given ``Jean-Pierre``, particle ``de la``, family
``Cruz``); with a comma, what comes before it is the family name. A trailing ``Jr.``,
``Sr.``, ``II``, ``III`` or ``IV`` is a suffix. TeX accents become Unicode first. A name
that cannot be split (a team, a stray comma too many) is kept whole as a literal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bibtexparser.middlewares.names import InvalidNameError, parse_single_name_into_parts

from reader.digests.tex import tex_name

_SUFFIX = re.compile(r"^(?P<name>.+?),?\s+(?P<jr>Jr\.?|Sr\.?|II|III|IV)$")
_AND = re.compile(r"\band\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Name:
    """One person's name in parts. ``literal`` names (teams, organisations) have only ``last``."""

    given: str = ""
    von: str = ""
    last: str = ""
    jr: str = ""
    literal: bool = False

    @property
    def family(self) -> str:
        """The family name with its particles: ``de la Cruz``."""
        return f"{self.von} {self.last}".strip()

    @property
    def display(self) -> str:
        """The name as people write it: ``Jean-Pierre de la Cruz Jr.``."""
        return " ".join(p for p in (self.given, self.von, self.last, self.jr) if p)


@lru_cache(maxsize=65536)
def split_name(text: str) -> Name:
    """``text`` (one author) in parts; see the module's documentation."""
    name = tex_name(text).strip(" ,;")
    if not name:
        return Name()
    jr = ""
    match = _SUFFIX.match(name)
    if match and "," not in match.group("name"):
        name, jr = match.group("name"), match.group("jr")
    if _AND.search(name) or name.count(",") > 2:
        return Name(last=name, literal=True)
    try:
        parts = parse_single_name_into_parts(name, strict=False)
    except InvalidNameError:
        return Name(last=name, literal=True)
    last = " ".join(parts.last)
    if not last:
        return Name(last=name, literal=True)
    return Name(
        given=" ".join(parts.first),
        von=" ".join(parts.von),
        last=last,
        jr=jr or " ".join(parts.jr),
    )
