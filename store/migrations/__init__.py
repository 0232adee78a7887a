"""The schema's history, as Alembic revisions (``versions/``); :mod:`store.schema` applies them."""
