"""Russian names of cities and bodies, as the news reader's gazetteer writes them.

The gazetteer (``<DATA_DIR>/gazetteer.yaml``) is the one place that knows how a place or an
organisation is written in Russian; :class:`RussianNames` is the read-only lookup the wording takes
from it, with a stable ``repr`` (a digest of its contents), so rendered blocks keyed by it stay
valid across processes.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

__all__ = ["NO_NAMES", "RussianNames", "load_russian_names"]


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


def load_russian_names(data_dir: str | Path) -> RussianNames:
    """Return the Russian names of the gazetteer (``<data_dir>/gazetteer.yaml``, else the one shipped).

    Raises:
        ConfigurationError: the gazetteer cannot be read.
    """
    from calendar_service.ingest.extract.gazetteer import packaged_gazetteer

    path = Path(data_dir) / "gazetteer.yaml"
    if not path.is_file():
        path = packaged_gazetteer()
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return NO_NAMES
    return _load(path.resolve(), mtime)
