"""Officers' accounts and sign-in, the audit log's reading, personal data, backups."""
