"""Runs of the model on a crisis: one assessment, a replay, the ledger, the briefing."""
