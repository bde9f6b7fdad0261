"""The signing key lives outside the data home; the published keyring verifies; rotation keeps old receipts valid."""

from __future__ import annotations

import shutil
import stat

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from firmscore.config import key_dir
from firmscore.ledger import CheckpointError, EvidenceLedger, verify_checkpoint
from firmscore.ledger.checkpoint import CheckpointSigner
from firmscore.ledger.keys import PRIVATE_FILE, PUBLIC_FILE, load_keyring, rotate_key
from firmscore.store import DataHome

from .conftest import event_table


def test_old_in_home_key_is_moved_out_with_a_message(home: DataHome) -> None:
    with EvidenceLedger.for_home(home) as led:
        led.append_records("event", event_table(["invoice_out"] * 3))
        note = led.checkpoint().note
    keys = key_dir(home.root)
    # the layout of an older version: key pair inside <home>/ledger, nothing in the key folder
    shutil.move(keys / PRIVATE_FILE, home.root / "ledger" / PRIVATE_FILE)
    shutil.move(keys / PUBLIC_FILE, home.root / "ledger" / PUBLIC_FILE)
    said: list[str] = []
    with EvidenceLedger.for_home(home, say=said.append) as led:
        assert verify_checkpoint(note, led.keyring).size == 3  # same key: old checkpoints still verify
        led.append_records("event", event_table(["invoice_out"] * 2, start=3))
        assert led.verify_all().ok
    assert len(said) == 1 and "moved out of the data home" in said[0] and "已从数据目录" in said[0]
    assert not (home.root / "ledger" / PRIVATE_FILE).exists() and not (home.root / "ledger" / PUBLIC_FILE).exists()
    assert stat.S_IMODE((keys / PRIVATE_FILE).stat().st_mode) == 0o600


def test_a_different_key_left_in_the_home_is_refused(home: DataHome) -> None:
    EvidenceLedger.for_home(home).close()
    stray = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    (home.root / "ledger" / PRIVATE_FILE).write_bytes(stray)
    with pytest.raises(CheckpointError, match="differs"):
        EvidenceLedger.for_home(home)


def test_rotation_keeps_old_checkpoints_valid_and_bounds_the_retired_key(home: DataHome) -> None:
    keys = key_dir(home.root)
    with EvidenceLedger.for_home(home) as led:
        led.append_records("event", event_table(["invoice_out"] * 4))
        old_note = led.checkpoint().note
        old_signer = led.signer
    old, new = rotate_key(keys, signed_up_to=4)
    assert old.name == new.name and old.key_id != new.key_id
    with EvidenceLedger.for_home(home) as led:
        led.append_records("event", event_table(["tax_payment"] * 3, start=4))
        new_note = led.checkpoint().note
        ring = led.keyring
        assert [e.verifier for e in ring] == [new, old]
        assert verify_checkpoint(old_note, ring).size == 4  # an old receipt still verifies
        assert verify_checkpoint(new_note, ring).size == 7
        assert led.verify_all().ok  # checkpoints of both keys are in the database
        # a thief of the retired key cannot sign a later size
        forged = old_signer.sign(7, led.log.root).note
        with pytest.raises(CheckpointError, match="retired after size 4"):
            verify_checkpoint(forged, ring)
        published = (keys / PUBLIC_FILE).read_text()
        assert new.key_id.hex() in published and "retired-after=4" in published


def test_verification_uses_the_published_key_never_the_private_one(home: DataHome) -> None:
    """Swapping the private key for another one is refused; the published keyring stays what verifies."""
    keys = key_dir(home.root)
    with EvidenceLedger.for_home(home) as led:
        led.append_records("event", event_table(["invoice_out"] * 2))
    other = CheckpointSigner(load_keyring(keys).name, Ed25519PrivateKey.generate())  # type: ignore[union-attr]
    (keys / PRIVATE_FILE).write_bytes(other._key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    with pytest.raises(CheckpointError, match="not the current key"):
        EvidenceLedger.for_home(home)
    # an auditor without the private key still verifies against the published key
    with EvidenceLedger.for_home(home, create_key=False) as auditor:
        assert auditor.verify_all().ok
        with pytest.raises(CheckpointError):
            verify_checkpoint(other.sign(2, auditor.log.root).note, auditor.keyring)
