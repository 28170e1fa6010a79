"""The keys that sign sync files (issue 14, docs/sync.md#signed-files).

Each desk has one Ed25519 key pair (``sync_keys``), made at ``init`` or the first time it is needed on an
older database. The private key stays in the desk's database; the public key travels once to the desk
that merges its files (a small text file, ``public_key_text``) and its fingerprint is read out on the
phone to check it arrived unchanged. The merging desk registers each unit it accepts with its key
(``register_unit_key``, audited). Ed25519 comes from ``cryptography``: nothing here is home-made crypto.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from models.core.changes import Kind, Table
from models.core.errors import UserError
from models.core.store import Store
from models.reports.period import unit_id

KEY_FILE_HEADER = "SODINHDANH-SYNC-KEY 1"
_HEX_KEY = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class KeyInfo:
    public_key: str  # 64 hex digits (the raw 32-byte Ed25519 public key)
    fingerprint: str  # what is read out on the phone
    created_at: str


def fingerprint(public_hex: str) -> str:
    """SHA-256 of the raw public key, first 16 bytes, in eight groups of four hex digits."""
    digest = hashlib.sha256(bytes.fromhex(public_hex)).hexdigest()[:32].upper()
    return " ".join(digest[i:i + 4] for i in range(0, 32, 4))


def own_key(store: Store) -> KeyInfo | None:
    row = store.query_one("SELECT public_key, created_at FROM sync_keys WHERE id = 1")
    return KeyInfo(row["public_key"], fingerprint(row["public_key"]), row["created_at"]) if row else None


def ensure_key(store: Store) -> KeyInfo:
    """This desk's key pair, made (and audited) the first time it is asked for."""
    existing = own_key(store)
    if existing is not None:
        return existing
    private = Ed25519PrivateKey.generate()
    raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()
    with store.atomic():
        if own_key(store) is None:  # another desk process may have made it meanwhile
            store.execute("INSERT INTO sync_keys(id, private_key, public_key, created_at) VALUES (1, ?, ?, ?)",
                          (raw, public, store.now_iso()))
            store.audit("sync.key_created", "sync_key", 1, detail={"fingerprint": fingerprint(public)})
            store.notify(Table.SETTINGS, Kind.UPDATE, ())
    return own_key(store)


def signer(store: Store) -> Callable[[bytes], str]:
    """A function signing bytes with this desk's private key (hex signature); the key is made if missing."""
    ensure_key(store)
    private = Ed25519PrivateKey.from_private_bytes(bytes(store.scalar("SELECT private_key FROM sync_keys WHERE id = 1")))
    return lambda payload: private.sign(payload).hex()


def verify(public_hex: str, payload: bytes, signature_hex: str) -> bool:
    try:
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_hex))
        key.verify(bytes.fromhex(signature_hex), payload)
    except (InvalidSignature, ValueError):
        return False
    return True


def public_key_text(store: Store) -> str:
    """The small file a unit hands to the province once: its code, name, public key and fingerprint."""
    key = ensure_key(store)
    uid = unit_id(store)
    unit = store.query_one("SELECT code, name FROM units WHERE id = ?", (uid,)) if uid else None
    if not unit:
        raise UserError("Chưa khai báo đơn vị sử dụng chương trình; hãy khai báo đơn vị trước khi xuất khoá.")
    return (f"{KEY_FILE_HEADER}\nunit_code: {unit['code']}\nunit_name: {unit['name']}\n"
            f"public_key: {key.public_key}\nfingerprint: {key.fingerprint}\n")


@dataclass(frozen=True)
class ParsedKey:
    public_key: str
    unit_code: str | None = None
    unit_name: str | None = None


def parse_key(text: str) -> ParsedKey:
    """A public key given as 64 hex digits, or the key file written by ``public_key_text``."""
    text = (text or "").strip()
    if _HEX_KEY.match(text.lower()):
        return _checked(ParsedKey(text.lower()))
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines or lines[0] != KEY_FILE_HEADER:
        raise UserError("Khoá công khai không hợp lệ: phải là 64 chữ số hexa, hoặc tệp khoá do Sổ Định Danh xuất "
                        "(lệnh sync-key --export).")
    fields = {}
    for line in lines[1:]:
        name, _sep, value = line.partition(":")
        fields[name.strip()] = value.strip()
    public = fields.get("public_key", "").lower()
    if not _HEX_KEY.match(public):
        raise UserError("Tệp khoá không có khoá công khai hợp lệ (dòng «public_key»).")
    stated = fields.get("fingerprint")
    if stated and stated != fingerprint(public):
        raise UserError("Tệp khoá bị sửa: dấu vân tay ghi trong tệp không khớp với khoá công khai.")
    return _checked(ParsedKey(public, fields.get("unit_code") or None, fields.get("unit_name") or None))


def _checked(key: ParsedKey) -> ParsedKey:
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(key.public_key))
    except ValueError:
        raise UserError("Khoá công khai không hợp lệ (không phải khoá Ed25519).") from None
    return key
