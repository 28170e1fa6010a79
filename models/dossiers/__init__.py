"""Dossiers from intake to account: calendar, states, history, verification, records, worklists,
cross-locality requests, the province's online lists, the receipt's content."""
