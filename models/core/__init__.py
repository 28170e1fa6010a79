"""Storage and the rules every domain shares: the store, migrations, changes, errors, permissions, progress, the clock."""
