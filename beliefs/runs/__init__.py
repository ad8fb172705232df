"""Runs of the model on a crisis: one assessment (on the process's shared engines), a replay, the ledger, the briefing."""
