"""Key rotation and the migration of homes written before keys moved out and rows were sealed."""

from __future__ import annotations

from dataclasses import dataclass

from firmscore.config import SECRETS_FILE, key_dir
from firmscore.datamodel.pii import FieldCipher
from firmscore.ledger import EvidenceLedger
from firmscore.ledger.ledger import LEDGER_FILE
from firmscore.store.home import DataHome
from firmscore.store.permissions import harden
from firmscore.store.quarantine import quarantine_files, seal_legacy_file


@dataclass(kw_only=True)
class SecureReport:
    """What :func:`secure_home` changed."""

    secrets_moved: bool
    keys_wrapped: int
    quarantine_files_sealed: int
    modes_fixed: int


def rotate_kek(home: DataHome) -> int:
    """Rotate the key-encryption key: new KEK, every record key and salt re-wrapped, old KEK destroyed.

    Returns the number of records re-wrapped. Until the old KEK is retired (the last step) both
    unwrap, so an interruption loses nothing: running it again finishes the re-wrap.
    """
    with EvidenceLedger.for_home(home) as ledger:
        ledger.keys = ledger.keys.rotate()
        n = ledger.rewrap_keys()
        ledger.keys = ledger.keys.retire()
    return n


def secure_home(home: DataHome) -> SecureReport:
    """Bring an older home up to date: keys out of the home, ledger secrets wrapped, quarantine sealed, 0600/0700."""
    had_secrets = (home.root / SECRETS_FILE).exists()
    secrets = home.secrets()  # moves <home>/secrets.json into the key folder
    wrapped = 0
    if (home.root / "ledger" / LEDGER_FILE).exists():
        with EvidenceLedger.for_home(home) as ledger:
            wrapped = ledger.rewrap_keys()
    cipher = FieldCipher(secrets.data_key)
    sealed = sum(seal_legacy_file(p, cipher) for p in quarantine_files(home.quarantine_dir))
    fixed = harden(home.root) + harden(key_dir(home.root))
    return SecureReport(secrets_moved=had_secrets, keys_wrapped=wrapped, quarantine_files_sealed=sealed,
                        modes_fixed=fixed)
