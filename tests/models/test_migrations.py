from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from models.db import make_engine
from models.migrate import alembic_config, downgrade, upgrade


def test_the_migrations_build_exactly_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_every_migration_downgrades_and_upgrades_again(fresh_database_url: str) -> None:
    downgrade(fresh_database_url, "base")
    upgrade(fresh_database_url)
    head = ScriptDirectory.from_config(alembic_config(fresh_database_url)).get_current_head()
    engine = make_engine(fresh_database_url)
    with engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == head
    engine.dispose()
