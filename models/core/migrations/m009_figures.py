"""One definition of every figure (issue 12): frozen registry baselines, accounts under the registry's area.

* ``campaign_targets.baseline_frozen`` / ``baseline_frozen_at``: a target whose baseline is the registry
  keeps the count taken when the target was set (an import never moves a target; the leader sees
  "the baseline changed" and recomputes by hand, ``models/campaigns/targets.py``). Existing targets are
  frozen at the upgrade with the count they showed until then.
* ``progress_firsts.area_code``: an organization's account counts under the organization's area in the
  registry (verified there), not under the area the applicant declared on the dossier; a dossier without
  an organization (or an organization without an area) keeps the dossier's area. The progress triggers
  of m004 are recreated with that area, and a trigger on ``organizations`` follows a registry edit of the
  area.
"""

from models.core.migrations.m004_campaigns import COUNT_COLUMNS, SUBJECT_KINDS, SUBJECT_SQL, WATCHED

VERSION = 9

COLUMNS = "subject, counts, d, dossier_id, grp, area_code, officer_id"


def _area(row: str) -> str:
    """The counted area of a dossier row: its organization's registry area, else its own."""
    return f"COALESCE((SELECT o.area_code FROM organizations o WHERE o.id = {row}org_id), {row}area_code)"


def refresh_sql(row: str, key: str, match: str) -> str:
    """Statements recomputing one subject's rows of progress_firsts (``row`` is NEW or OLD)."""
    key, match = key.replace("ROW", row), match.replace("ROW", row)
    parts = [f"DELETE FROM progress_firsts WHERE subject = {key};"]
    for counts, column in COUNT_COLUMNS.items():
        parts.append(
            f"INSERT INTO progress_firsts({COLUMNS})"
            f" SELECT {key}, '{counts}', substr({column}, 1, 10), id, grp, {_area('dossiers.')}, officer_id"
            f" FROM dossiers WHERE {match} AND {column} IS NOT NULL AND status <> 'cancelled'"
            f" ORDER BY substr({column}, 1, 10), id LIMIT 1;"
        )
    return " ".join(parts)


def insert_sql(key: str) -> str:
    """A new dossier can only make its subject's first event earlier: upsert, no scan of dossiers."""
    key = key.replace("ROW", "NEW")
    parts = []
    for counts, column in COUNT_COLUMNS.items():
        parts.append(
            f"INSERT INTO progress_firsts({COLUMNS})"
            f" SELECT {key}, '{counts}', substr(NEW.{column}, 1, 10), NEW.id, NEW.grp, {_area('NEW.')},"
            " NEW.officer_id"
            f" WHERE NEW.{column} IS NOT NULL AND NEW.status <> 'cancelled'"
            " ON CONFLICT(subject, counts) DO UPDATE SET d = excluded.d, dossier_id = excluded.dossier_id,"
            " grp = excluded.grp, area_code = excluded.area_code, officer_id = excluded.officer_id"
            " WHERE excluded.d < progress_firsts.d"
            " OR (excluded.d = progress_firsts.d AND excluded.dossier_id < progress_firsts.dossier_id);"
        )
    return " ".join(parts)


def trigger_names() -> list[str]:
    names = []
    for name, *_ in SUBJECT_KINDS:
        names.append(f"progress_insert_new_{name}")
        for verb, rows in (("update", ["old", "new"]), ("delete", ["old"])):
            names += [f"progress_{verb}_{row}_{name}" for row in rows]
    return names


def trigger_sql() -> list[str]:
    out = []
    for name, when, key, match in SUBJECT_KINDS:
        out.append(f"CREATE TRIGGER progress_insert_new_{name} AFTER INSERT ON dossiers"
                   f" WHEN {when.replace('ROW', 'NEW')} BEGIN {insert_sql(key)} END")
        for event, rows in ((f"UPDATE OF {WATCHED}", ["OLD", "NEW"]), ("DELETE", ["OLD"])):
            for row in rows:
                verb = event.split()[0].lower()
                out.append(
                    f"CREATE TRIGGER progress_{verb}_{row.lower()}_{name} AFTER {event} ON dossiers"
                    f" WHEN {when.replace('ROW', row)} BEGIN {refresh_sql(row, key, match)} END"
                )
    # A registry edit of an organization's area moves its counted accounts with it.
    out.append(
        "CREATE TRIGGER progress_org_area AFTER UPDATE OF area_code ON organizations"
        " WHEN OLD.area_code IS NOT NEW.area_code BEGIN"
        " UPDATE progress_firsts SET area_code = COALESCE(NEW.area_code,"
        " (SELECT d.area_code FROM dossiers d WHERE d.id = progress_firsts.dossier_id))"
        " WHERE subject = 'o' || NEW.id; END"
    )
    return out


def rebuild_sql() -> list[str]:
    """Recompute the whole table from dossiers (migration; repair)."""
    out = ["DELETE FROM progress_firsts"]
    for counts, column in COUNT_COLUMNS.items():
        out.append(
            f"INSERT INTO progress_firsts({COLUMNS})"
            f" SELECT s, '{counts}', d, id, grp, area, officer_id FROM ("
            f"SELECT {SUBJECT_SQL} AS s, substr({column}, 1, 10) AS d, id, grp, {_area('dossiers.')} AS area,"
            f" officer_id, ROW_NUMBER() OVER (PARTITION BY {SUBJECT_SQL} ORDER BY substr({column}, 1, 10), id) AS rn"
            f" FROM dossiers WHERE {column} IS NOT NULL AND status <> 'cancelled') WHERE rn = 1"
        )
    return out


def _freeze_existing(store) -> None:
    """Targets on the registry keep the count they showed before the upgrade (live, or as of their date)."""
    for target_id, groups, as_of in store.execute(
            "SELECT id, groups, baseline_as_of FROM campaign_targets WHERE baseline_source = 'registry'").fetchall():
        marks = ",".join(str(int(g)) for g in groups.split(",") if g.strip())
        sql = (f"SELECT COUNT(*) FROM organizations WHERE grp IN ({marks}) AND merged_into IS NULL"
               " AND status <> 'dissolved'")
        params: list = []
        if as_of:
            sql += " AND substr(first_seen, 1, 10) <= ?"
            params.append(str(as_of)[:10])
        count = store.execute(sql, params).fetchone()[0]
        store.execute("UPDATE campaign_targets SET baseline_frozen = ?, baseline_frozen_at = ? WHERE id = ?",
                      (count, store.now_iso(), target_id))


def up(store) -> None:
    store.execute("ALTER TABLE campaign_targets ADD COLUMN baseline_frozen INTEGER")
    store.execute("ALTER TABLE campaign_targets ADD COLUMN baseline_frozen_at TEXT")
    _freeze_existing(store)
    for name in trigger_names():
        store.execute(f"DROP TRIGGER IF EXISTS {name}")
    for sql in trigger_sql() + rebuild_sql():
        store.execute(sql)
