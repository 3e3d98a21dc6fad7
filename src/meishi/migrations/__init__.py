"""The contact store's schema history (Alembic revisions); applied by ``meishi.db.upgrade``."""
