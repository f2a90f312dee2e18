"""Russian names of cities and bodies, as the news reader's gazetteer writes them.

The gazetteer (``<DATA_DIR>/gazetteer.yaml``) is the one place that knows how a place or an
organisation is written in Russian; :class:`RussianNames` is the read-only lookup the wording takes
from it, with a stable ``repr`` (a digest of its contents), so rendered blocks keyed by it stay
valid across processes.

Reading the gazetteer means loading the news reader and its morphology (tens of MB), which a web
worker never needs otherwise; so the names of the shipped gazetteer are also shipped, worked out
(``data/russian_names.json`` beside this module, written by :func:`write_shipped_names` through
``python tools/russian_names.py``) and stamped with the digests of the files they come from. They
are used only while those digests match; a gazetteer of one's own is read whole.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.resources
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

__all__ = ["NO_NAMES", "RussianNames", "load_russian_names", "write_shipped_names"]

#: The worked-out names of the shipped gazetteer.
SHIPPED_NAMES = Path(__file__).parent / "data" / "russian_names.json"
#: What the names are worked out from: the news reader's shipped data, by its path in the package.
_SOURCES = ("gazetteer.yaml", "places.tsv")


@dataclass(frozen=True, eq=False)
class RussianNames:
    """English city and body names -> their Russian names."""

    names: Mapping[str, str] = field(default_factory=dict)
    digest: str = field(init=False)

    def __post_init__(self) -> None:
        text = "\n".join(f"{key}\t{value}" for key, value in sorted(self.names.items()))
        object.__setattr__(self, "digest", hashlib.sha256(text.encode()).hexdigest()[:16])

    def __repr__(self) -> str:
        return f"RussianNames({self.digest})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RussianNames) and other.digest == self.digest

    def __hash__(self) -> int:
        return hash(self.digest)

    def get(self, name: str) -> str:
        """Return the Russian name of ``name`` (``name`` itself when none is known)."""
        return self.names.get(name, name)


NO_NAMES = RussianNames()


class _KnowsRussianNames(Protocol):
    def russian_name(self, name: str) -> str | None: ...


def russian_names_of(gazetteer: _KnowsRussianNames, names: Iterable[str]) -> RussianNames:
    """Return the Russian names the gazetteer knows for ``names``."""
    found = {name: gazetteer.russian_name(name) for name in names}
    return RussianNames({name: russian for name, russian in found.items() if russian})


@functools.lru_cache(maxsize=4)
def _load(path: Path, _mtime_ns: int) -> RussianNames:
    from calendar_service.ingest.extract.gazetteer import load_gazetteer

    gazetteer = load_gazetteer(path.parent)
    return russian_names_of(gazetteer, [*gazetteer.cities, *gazetteer.bodies, *gazetteer.body_forms()])


def _shipped_source(name: str) -> Path:
    # Found as a file of the package, not through the news reader's modules, which it must not load.
    return Path(str(importlib.resources.files("calendar_service").joinpath("ingest", "extract", "data", name)))


def _stamps() -> dict[str, str]:
    return {name: hashlib.sha256(_shipped_source(name).read_bytes()).hexdigest() for name in _SOURCES}


@functools.cache
def _shipped() -> RussianNames | None:
    return _read_shipped(SHIPPED_NAMES)


def _read_shipped(path: Path) -> RussianNames | None:
    """Return the names written at ``path``, or None unless they were worked out from the shipped data as it is."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        if document["sources"] != _stamps():
            return None
        return RussianNames(dict(document["names"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_shipped_names() -> Path:
    """Work out the Russian names of the shipped gazetteer and write them to :data:`SHIPPED_NAMES`."""
    path = _shipped_source(_SOURCES[0])
    names = _load(path.resolve(), path.stat().st_mtime_ns)
    document = {"sources": _stamps(), "names": dict(sorted(names.names.items()))}
    SHIPPED_NAMES.parent.mkdir(exist_ok=True)
    SHIPPED_NAMES.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    _shipped.cache_clear()
    return SHIPPED_NAMES


def load_russian_names(data_dir: str | Path) -> RussianNames:
    """Return the Russian names of the gazetteer (``<data_dir>/gazetteer.yaml``, else the one shipped).

    Raises:
        ConfigurationError: the gazetteer cannot be read.
    """
    path = Path(data_dir) / "gazetteer.yaml"
    if not path.is_file():
        shipped = _shipped()
        if shipped is not None:
            return shipped
        path = _shipped_source(_SOURCES[0])
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return NO_NAMES
    return _load(path.resolve(), mtime)
