"""The checkpoint signing key and the published keyring, kept outside the data home.

Whoever can rewrite a data home must not also hold the key that signs its checkpoints, so the key
folder is :func:`firmscore.config.key_dir` (``$FIRMSCORE_KEY_DIR`` or ``<home>.keys`` beside the
home, mode 0700). It holds:

``checkpoint.key``
    the current Ed25519 private key (PKCS#8 PEM, mode 0600);
``checkpoint.pub``
    the **published keyring**: one note verifier key per line, the current key first, then the
    retired ones as ``<vkey> retired-after=<tree size>`` (mode 0600; publish it, e.g. with
    ``firmscore ledger pubkey``). Verification reads only this file (or a keyring handed to it),
    never a key derived from the private key.

Rotation (:func:`rotate_key`) keeps the log's name, so the origin line of checkpoints is stable;
the new key has another key id (the 4-byte key hash in every signature line), and the old public
key stays in the keyring with the last tree size it signed, so old receipts still verify while a
checkpoint the old key signed for a larger size — as only a thief of the retired key would — is
refused.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from firmscore.i18n import both
from firmscore.ledger.checkpoint import CheckpointError, CheckpointSigner, KeyEntry, Keyring, NoteVerifier
from firmscore.store.atomic import write_bytes

PRIVATE_FILE = "checkpoint.key"
PUBLIC_FILE = "checkpoint.pub"

Say = Callable[[str], None]


def _write_private(path: Path, data: bytes) -> None:
    write_bytes(path, data)  # 0600, temporary file + fsync + rename + fsync of the folder


def _pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _load_private(path: Path) -> Ed25519PrivateKey:
    private = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(private, Ed25519PrivateKey):
        raise CheckpointError(f"{path} is not an Ed25519 private key")
    return private


def load_keyring(folder: Path) -> Keyring | None:
    """The published keyring of ``folder`` (``None`` when no key was ever made there)."""
    pub = folder / PUBLIC_FILE
    if not pub.exists():
        return None
    return Keyring.parse(pub.read_text(encoding="utf-8"))


def load_signer(folder: Path, *, create: bool = True, name: str | None = None) -> CheckpointSigner:
    """The current signing key of ``folder``, created (with its keyring) on first use when ``create``."""
    key_file = folder / PRIVATE_FILE
    ring = load_keyring(folder)
    if key_file.exists():
        if ring is None:
            raise CheckpointError(f"{key_file} has no published key beside it ({folder / PUBLIC_FILE})")
        signer = CheckpointSigner(ring.name, _load_private(key_file))
        if signer.verifier != ring.current:
            raise CheckpointError(f"{key_file} is not the current key of {folder / PUBLIC_FILE}")
        return signer
    if not create:
        raise CheckpointError(f"no checkpoint signing key in {folder}")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    private = Ed25519PrivateKey.generate()
    signer = CheckpointSigner(name or f"firmscore.local/ledger/{os.urandom(4).hex()}", private)
    _write_private(key_file, _pem(private))
    _write_private(folder / PUBLIC_FILE, Keyring.of(signer.verifier).encode().encode())
    return signer


def rotate_key(folder: Path, signed_up_to: int) -> tuple[NoteVerifier, NoteVerifier]:
    """Replace the signing key; the old public key stays published, retired after ``signed_up_to``.

    Returns (old, new) verifier keys. The old private key is destroyed.
    """
    ring = load_keyring(folder)
    if ring is None or not (folder / PRIVATE_FILE).exists():
        raise CheckpointError(f"no checkpoint signing key in {folder} to rotate")
    old = ring.current
    private = Ed25519PrivateKey.generate()
    new = CheckpointSigner(ring.name, private).verifier
    entries = (KeyEntry(new), KeyEntry(old, signed_up_to), *ring.entries[1:])
    _write_private(folder / PUBLIC_FILE, Keyring(entries).encode().encode())
    _write_private(folder / PRIVATE_FILE, _pem(private))
    return old, new


def migrate_from_home(old_folder: Path, key_folder: Path, say: Say) -> None:
    """Move a signing key that an older version kept inside the data home out to ``key_folder``.

    If the key folder already holds that same key, the copy in the home is deleted; if it holds a
    different key the two cannot be reconciled automatically and :class:`CheckpointError` says so.
    """
    old_key, old_pub = old_folder / PRIVATE_FILE, old_folder / PUBLIC_FILE
    if not old_key.exists():
        return
    new_key = key_folder / PRIVATE_FILE
    if new_key.exists():
        if new_key.read_bytes() != old_key.read_bytes():
            zh, en = both("ledger.key_conflict", home=old_key, keys=new_key)
            raise CheckpointError(f"{zh} / {en}")
        old_key.unlink()
        old_pub.unlink(missing_ok=True)
    else:
        key_folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        _write_private(new_key, old_key.read_bytes())
        if old_pub.exists():
            verifier = NoteVerifier.parse(old_pub.read_text(encoding="utf-8").splitlines()[0])
            _write_private(key_folder / PUBLIC_FILE, Keyring.of(verifier).encode().encode())
        old_key.unlink()
        old_pub.unlink(missing_ok=True)
    zh, en = both("ledger.key_moved", home=old_key, keys=new_key)
    say(f"{zh} / {en}")
