"""The dossier states, the moves between them and their labels: plain constants, no storage."""

from __future__ import annotations

STATUSES = {
    "received": "Đã tiếp nhận",
    "sent": "Đã chuyển",  # a citizen's level-2 dossier sent on to the national system (models/people/level2.py)
    "verifying": "Đang xác minh",
    "needs_papers": "Cần bổ sung giấy tờ",
    "waiting_locality": "Chờ địa phương khác xác minh",
    "verified": "Đã xác minh",
    "issued": "Đã cấp tài khoản",
    "activated": "Đã kích hoạt",
    "refused": "Từ chối",
    "cancelled": "Đã huỷ (nhập nhầm)",
}
PERSON_ONLY_STATUSES = ("sent",)  # an organization's dossier never reaches these
OPEN_STATUSES = ("received", "verifying", "needs_papers", "waiting_locality", "verified", "sent")
# The time limit stops while the unit waits for the applicant's papers (Decree 69/2024 counts it from a
# complete, valid dossier) and starts again, in full, from the day they arrive: never overdue meanwhile.
CLOCK_STOPPED = ("needs_papers",)
CLOCK_RUNNING = tuple(s for s in OPEN_STATUSES if s not in CLOCK_STOPPED)
FINAL_STATUSES = ("activated", "refused", "cancelled")
BEFORE_ISSUE = OPEN_STATUSES

_CLOSE = ("refused", "cancelled")
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "received": ("verifying", *_CLOSE),
    "verifying": ("needs_papers", "waiting_locality", "verified", *_CLOSE),
    "needs_papers": ("verifying", *_CLOSE),
    "waiting_locality": ("verifying", "verified", *_CLOSE),
    "verified": ("issued", *_CLOSE),
    "issued": ("activated",),
    "sent": (),  # person dossiers move through models.people.level2 (persons kept in step)
    "activated": (),
    "refused": (),
    "cancelled": (),
}
REASON_REQUIRED = {"refused", "cancelled"}
PERMISSION_FOR = {"refused": "dossier.refuse", "cancelled": "dossier.cancel", "issued": "dossier.issue"}
DEFAULT_PERMISSION = "dossier.transition"
# Moves that need the leader (seed 001 III.8.5; issue 13): an intake officer proposes them, the leader
# approves (or makes them directly).
APPROVAL_REQUIRED = ("issued", "refused")
PROPOSE_PERMISSION = "dossier.propose"
APPROVE_PERMISSION = "dossier.approve"
UNDO_PERMISSION = "dossier.undo"
AWAITING_APPROVAL = "chờ chỉ huy duyệt"
PROPOSAL_LABELS = {"issued": "Đề xuất cấp tài khoản", "refused": "Đề xuất từ chối"}
DECISION_LABELS = {"approved": "Đã duyệt", "rejected": "Không duyệt", "lapsed": "Hết hiệu lực"}

# Verb shown on the button that makes the move.
ACTION_LABELS = {
    "verifying": "Bắt đầu xác minh",
    "needs_papers": "Yêu cầu bổ sung giấy tờ",
    "waiting_locality": "Chờ địa phương khác xác minh",
    "verified": "Xác nhận đã xác minh",
    "issued": "Đã cấp tài khoản",
    "activated": "Đã kích hoạt",
    "refused": "Từ chối",
    "cancelled": "Huỷ hồ sơ nhập nhầm",
}


def can_move(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, ())


def permission_for(to_status: str) -> str:
    return PERMISSION_FOR.get(to_status, DEFAULT_PERMISSION)
