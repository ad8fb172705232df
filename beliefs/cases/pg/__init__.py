"""The PostgreSQL backend of the case store: a database a team shares.

:mod:`~beliefs.cases.pg.schema` holds the tables, the rules the server enforces
(append-only log, the case kept whole) and the roles; :mod:`~beliefs.cases.pg.store`
the store itself, behind :class:`beliefs.cases.interface.Store`. Imported only
when a ``--db`` value is a ``postgresql://`` URL, so SQLite needs no driver.
"""
