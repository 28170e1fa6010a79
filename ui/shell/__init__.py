"""Start-up and the session: application, sign-in and lock, main window, external changes, self-check."""
