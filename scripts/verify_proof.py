#!/usr/bin/env python3
"""Verify a firmscore inclusion proof without trusting the server (needs only `cryptography` and hashlib).

Usage: verify_proof.py PROOF.json PUBLIC_KEY
  PROOF.json  the body of GET /v1/enterprises/{id}/evidence/{record_id} or GET /v1/query-log/{id}/proof
  PUBLIC_KEY  the ledger's note verifier key(s) (name+keyhash+base64key, one per line), out of band
              (e.g. `firmscore ledger pubkey` run by the data home's operator, or a published copy)
Checks: the checkpoint is signed by that key (C2SP signed note, Ed25519), and the leaf is included
under the checkpoint's root by the RFC 9162 audit path. Exit status 0 when both hold.
"""

import base64
import hashlib
import json
import sys

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def verify_note(note: str, vkey: str) -> tuple[int, bytes]:
    """(tree size, root) of a checkpoint note signed by the verifier key ``vkey``."""
    name, key_id_hex, b64 = vkey.strip().split("+", 2)
    raw = base64.b64decode(b64)
    if len(raw) != 33 or raw[0] != 1:
        raise ValueError("not an Ed25519 note verifier key")
    key_id = hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4]
    if key_id.hex() != key_id_hex:
        raise ValueError("verifier key hash does not match")
    body, sigs = note.split("\n\n", 1)
    origin, size, root_b64 = body.split("\n")[:3]
    if origin != name:
        raise ValueError(f"checkpoint origin {origin!r} is not {name!r}")
    for line in sigs.splitlines():
        parts = line.split(" ")
        if len(parts) == 3 and parts[0] == "\u2014" and parts[1] == name:
            blob = base64.b64decode(parts[2])
            if blob[:4] == key_id:
                Ed25519PublicKey.from_public_bytes(raw[1:]).verify(blob[4:], (body + "\n").encode())
                return int(size), base64.b64decode(root_b64)
    raise ValueError("no signature by this key on the checkpoint")


def root_from_path(index: int, size: int, leaf_hash: bytes, path: list[bytes]) -> bytes:
    """RFC 9162 section 2.1.3.2: the root implied by an inclusion proof."""
    if index >= size:
        raise ValueError("leaf index outside the tree")
    fn, sn, r = index, size - 1, leaf_hash
    for p in path:
        if sn == 0:
            raise ValueError("proof too long")
        if fn & 1 or fn == sn:
            r = hashlib.sha256(b"\x01" + p + r).digest()
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = hashlib.sha256(b"\x01" + r + p).digest()
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ValueError("proof too short")
    return r


def main() -> int:
    with open(sys.argv[1], encoding="utf-8") as fh:
        proof = json.load(fh)
    size, root = None, b""
    for vkey in sys.argv[2].split():  # a published keyring: one verifier key per line, current first
        try:
            size, root = verify_note(proof["checkpoint"], vkey)
            break
        except ValueError:
            continue
    if size is None:
        raise ValueError("the checkpoint is not signed by a published key")
    leaf = proof["leaf"].encode("utf-8")
    leaf_hash = hashlib.sha256(b"\x00" + leaf).digest()
    record_id = proof.get("record_id") or proof["entry"]["entry_id"]
    doc = json.loads(leaf)
    if (doc.get("record_id") or doc.get("record", {}).get("record_id")) != record_id:
        raise ValueError("the leaf is not the record it claims to be")
    if size != proof["tree_size"]:
        raise ValueError("tree size differs from the signed checkpoint")
    path = [base64.b64decode(p) for p in proof["inclusion_proof"]]
    if root_from_path(proof["leaf_index"], size, leaf_hash, path) != root:
        raise ValueError("inclusion proof does not lead to the signed root")
    print(f"OK: {record_id} is leaf {proof['leaf_index']} of the signed tree of size {size}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as exc:  # any failure is a refusal, with its reason
        print(f"FAILED: {exc}", file=sys.stderr)
        sys.exit(1)
