"""The case store: a durable, append-only log of signals per case.

In a SQLite file (the default, no server) or a PostgreSQL database a team
shares (:mod:`beliefs.cases.pg`), behind one interface (:mod:`beliefs.cases.interface`).
Holds the schema and its migrations, the record types, the store itself, the
services the CLI and TUI call, and TOML import/export. May import the core
modules of :mod:`beliefs` and :mod:`models`; never the CLI, rendering or the TUI.
"""
