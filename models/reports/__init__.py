"""The weekly report: its period and settings, its figures, its plain data, the register of issued reports."""
