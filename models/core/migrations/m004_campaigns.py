"""Campaigns (kế hoạch, đợt cao điểm), their phases, targets (chỉ tiêu) and allocations to areas.

The current campaign is the setting ``current_campaign_id``. What counts as achieved is per campaign
(``counts``: issued | received | activated); see docs/api-progress.md.
"""

VERSION = 4


def up(store) -> None:
    for sql in SCHEMA:
        store.execute(sql)


SCHEMA = [
    """CREATE TABLE campaigns (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        plan_number TEXT,
        plan_date TEXT,
        issuer TEXT,
        start_on TEXT NOT NULL,
        end_on TEXT NOT NULL,
        counts TEXT NOT NULL DEFAULT 'issued' CHECK (counts IN ('issued', 'received', 'activated')),
        template_key TEXT,
        notes TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1,
        CHECK (start_on <= end_on)
    )""",
    # kind: 'phase' (giai đoạn) or 'day' (one-day target, start_on = end_on).
    """CREATE TABLE campaign_phases (
        id INTEGER PRIMARY KEY,
        campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
        position INTEGER NOT NULL DEFAULT 0,
        name TEXT NOT NULL,
        kind TEXT NOT NULL DEFAULT 'phase' CHECK (kind IN ('phase', 'day')),
        start_on TEXT NOT NULL,
        end_on TEXT NOT NULL,
        CHECK (start_on <= end_on)
    )""",
    "CREATE INDEX campaign_phases_campaign ON campaign_phases(campaign_id, position)",
    # groups: comma-separated group numbers, e.g. '1,2' for "Doanh nghiệp + HTX".
    # kind 'absolute': value organizations out of plan_baseline; 'percent': value % of the baseline.
    # baseline_source 'plan' (plan_baseline as written) or 'registry' (count of organizations of the
    # groups, optionally first_seen <= baseline_as_of). unit_value: the unit's own figure, typed by hand.
    # cumulative 1: achieved since the campaign start; 0: within the phase only.
    """CREATE TABLE campaign_targets (
        id INTEGER PRIMARY KEY,
        campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
        phase_id INTEGER NOT NULL REFERENCES campaign_phases(id) ON DELETE CASCADE,
        position INTEGER NOT NULL DEFAULT 0,
        label TEXT NOT NULL,
        groups TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('absolute', 'percent')),
        value REAL,
        plan_baseline INTEGER,
        baseline_source TEXT NOT NULL DEFAULT 'plan' CHECK (baseline_source IN ('plan', 'registry')),
        baseline_as_of TEXT,
        unit_value INTEGER,
        cumulative INTEGER NOT NULL DEFAULT 1,
        note TEXT
    )""",
    "CREATE INDEX campaign_targets_phase ON campaign_targets(phase_id, position)",
    """CREATE TABLE target_allocations (
        target_id INTEGER NOT NULL REFERENCES campaign_targets(id) ON DELETE CASCADE,
        area_code TEXT NOT NULL REFERENCES areas(code),
        value INTEGER NOT NULL CHECK (value >= 0),
        edited INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (target_id, area_code)
    )""",
    # Progress counts (docs/api-progress.md): per subject and per way of counting, the date of its first
    # counted event and the dossier that carried it; kept up to date by the triggers below, so that a
    # campaign's figures are a range scan instead of a GROUP BY over every dossier.
    # subject: 'o<org_id>' | 'p<person_ref>' | 'd<dossier id>' (a dossier with neither).
    """CREATE TABLE progress_firsts (
        subject TEXT NOT NULL,
        counts TEXT NOT NULL,
        d TEXT NOT NULL,
        dossier_id INTEGER NOT NULL,
        grp INTEGER,
        area_code TEXT,
        officer_id INTEGER,
        PRIMARY KEY (subject, counts)
    ) WITHOUT ROWID""",
    "CREATE INDEX progress_firsts_day ON progress_firsts(counts, d, grp, area_code, officer_id)",
    "CREATE INDEX dossiers_person_ref ON dossiers(person_ref) WHERE person_ref IS NOT NULL",
    # Registry baselines of targets "as of a date" (count per group and area with first_seen <= date).
    "CREATE INDEX organizations_baseline ON organizations(grp, area_code, status, merged_into, first_seen)",
    # Registry baselines without a date: live counts per group and area (area '' = none) of the
    # organizations that count (not merged into another, not dissolved), kept by the triggers below.
    """CREATE TABLE registry_counts (
        grp INTEGER NOT NULL,
        area_code TEXT NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (grp, area_code)
    ) WITHOUT ROWID""",
]

COUNTED = "ROW.merged_into IS NULL AND ROW.status <> 'dissolved'"


def _count_sql(row: str, delta: int) -> str:
    return (f"INSERT INTO registry_counts(grp, area_code, n) VALUES ({row}.grp, COALESCE({row}.area_code, ''), {delta})"
            f" ON CONFLICT(grp, area_code) DO UPDATE SET n = n + ({delta});")


REGISTRY_TRIGGERS = [
    f"CREATE TRIGGER registry_counts_insert AFTER INSERT ON organizations WHEN {COUNTED.replace('ROW', 'NEW')}"
    f" BEGIN {_count_sql('NEW', 1)} END",
    f"CREATE TRIGGER registry_counts_delete AFTER DELETE ON organizations WHEN {COUNTED.replace('ROW', 'OLD')}"
    f" BEGIN {_count_sql('OLD', -1)} END",
    "CREATE TRIGGER registry_counts_update_old AFTER UPDATE OF grp, area_code, status, merged_into ON organizations"
    f" WHEN {COUNTED.replace('ROW', 'OLD')} BEGIN {_count_sql('OLD', -1)} END",
    "CREATE TRIGGER registry_counts_update_new AFTER UPDATE OF grp, area_code, status, merged_into ON organizations"
    f" WHEN {COUNTED.replace('ROW', 'NEW')} BEGIN {_count_sql('NEW', 1)} END",
]
REGISTRY_REBUILD = [
    "DELETE FROM registry_counts",
    "INSERT INTO registry_counts(grp, area_code, n) SELECT grp, COALESCE(area_code, ''), COUNT(*) FROM organizations"
    " WHERE merged_into IS NULL AND status <> 'dissolved' GROUP BY grp, COALESCE(area_code, '')",
]

COUNT_COLUMNS = {"issued": "issued_on", "received": "received_on", "activated": "activated_on"}
SUBJECT_SQL = ("CASE WHEN org_id IS NOT NULL THEN 'o' || org_id WHEN person_ref IS NOT NULL THEN 'p' || person_ref"
               " ELSE 'd' || id END")
# (name, WHEN condition on ROW, key expression, dossier filter) for the three kinds of subject.
SUBJECT_KINDS = [
    ("org", "ROW.org_id IS NOT NULL", "'o' || ROW.org_id", "org_id = ROW.org_id"),
    ("person", "ROW.org_id IS NULL AND ROW.person_ref IS NOT NULL", "'p' || ROW.person_ref",
     "person_ref = ROW.person_ref AND org_id IS NULL"),
    ("single", "ROW.org_id IS NULL AND ROW.person_ref IS NULL", "'d' || ROW.id",
     "id = ROW.id AND org_id IS NULL AND person_ref IS NULL"),
]
WATCHED = "org_id, person_ref, grp, area_code, officer_id, status, received_on, issued_on, activated_on"


# The first event of a subject is its earliest day, ties broken by the lowest dossier id, so that the
# triggers and a full rebuild always pick the same dossier.
COLUMNS = "subject, counts, d, dossier_id, grp, area_code, officer_id"


def refresh_sql(row: str, key: str, match: str) -> str:
    """Statements recomputing one subject's rows of progress_firsts (``row`` is NEW or OLD)."""
    key, match = key.replace("ROW", row), match.replace("ROW", row)
    parts = [f"DELETE FROM progress_firsts WHERE subject = {key};"]
    for counts, column in COUNT_COLUMNS.items():
        parts.append(
            f"INSERT INTO progress_firsts({COLUMNS})"
            f" SELECT {key}, '{counts}', substr({column}, 1, 10), id, grp, area_code, officer_id FROM dossiers"
            f" WHERE {match} AND {column} IS NOT NULL AND status <> 'cancelled'"
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
            f" SELECT {key}, '{counts}', substr(NEW.{column}, 1, 10), NEW.id, NEW.grp, NEW.area_code, NEW.officer_id"
            f" WHERE NEW.{column} IS NOT NULL AND NEW.status <> 'cancelled'"
            " ON CONFLICT(subject, counts) DO UPDATE SET d = excluded.d, dossier_id = excluded.dossier_id,"
            " grp = excluded.grp, area_code = excluded.area_code, officer_id = excluded.officer_id"
            " WHERE excluded.d < progress_firsts.d"
            " OR (excluded.d = progress_firsts.d AND excluded.dossier_id < progress_firsts.dossier_id);"
        )
    return " ".join(parts)


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
    return out


def rebuild_sql() -> list[str]:
    """Recompute the whole table from dossiers (migration; repair)."""
    out = ["DELETE FROM progress_firsts"]
    for counts, column in COUNT_COLUMNS.items():
        out.append(
            f"INSERT INTO progress_firsts({COLUMNS})"
            f" SELECT s, '{counts}', d, id, grp, area_code, officer_id FROM ("
            f"SELECT {SUBJECT_SQL} AS s, substr({column}, 1, 10) AS d, id, grp, area_code, officer_id,"
            f" ROW_NUMBER() OVER (PARTITION BY {SUBJECT_SQL} ORDER BY substr({column}, 1, 10), id) AS rn"
            f" FROM dossiers WHERE {column} IS NOT NULL AND status <> 'cancelled') WHERE rn = 1"
        )
    return out


SCHEMA += trigger_sql() + rebuild_sql() + REGISTRY_TRIGGERS + REGISTRY_REBUILD
