"""``python -m beliefs.cli``."""

from beliefs.cli.main import main

main()
