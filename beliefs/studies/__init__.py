"""Studies across runs: the backtest against history and sensitivity analysis."""
