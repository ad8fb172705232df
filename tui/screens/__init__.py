"""The TUI's screens: main, add-signal, retract/prompt dialogs, help, sensitivity."""
