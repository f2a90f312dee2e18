from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from calendar_service import db
from calendar_service.models import Base


def test_migrations_build_exactly_the_models_schema(tmp_path: Path) -> None:
    factory = db.make_session_factory(f"sqlite:///{tmp_path / 'schema.db'}")
    db.migrate(factory)
    db.migrate(factory)  # a second run finds nothing to do
    with factory.kw["bind"].connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
