"""Windows opened over a page: intake, one dossier, imports, the unit, the campaign editor, PDF preview."""
