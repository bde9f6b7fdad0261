"""Signed frames: a frame is accepted only from the agreed key, intact, in sequence, in its session, on time."""

from __future__ import annotations

import time

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from firmscore.federate.errors import FederationError
from firmscore.federate.wire import Channel, Message, encode


def pair() -> tuple[Channel, Channel, Ed25519PrivateKey]:
    a, b = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    return (Channel(session="s", key=a, peer=b.public_key()), Channel(session="s", key=b, peer=a.public_key()), a)


def code(exc: pytest.ExceptionInfo[FederationError]) -> str:
    return exc.value.code


def test_round_trip_keeps_fields_and_blobs() -> None:
    sender, receiver, _ = pair()
    frame = sender.seal("psi1", {"n": 3, "x": [1.5]}, [b"abc", b"", b"\x00" * 70])
    msg = receiver.open(frame, "psi1")
    assert (msg.kind, msg.seq, msg.meta, msg.blobs) == ("psi1", 1, {"n": 3, "x": [1.5]}, [b"abc", b"", b"\x00" * 70])
    assert receiver.bytes_received == len(frame) == sender.bytes_sent


def test_replayed_frame_is_rejected() -> None:
    sender, receiver, _ = pair()
    frame = sender.seal("hello")
    receiver.open(frame)
    with pytest.raises(FederationError) as exc:
        receiver.open(frame)
    assert code(exc) == "federate.replay"
    assert "replayed" in str(exc.value) and "重放" in str(exc.value)


def test_skipped_sequence_is_rejected() -> None:
    sender, receiver, _ = pair()
    sender.seal("hello")  # never delivered
    with pytest.raises(FederationError) as exc:
        receiver.open(sender.seal("hello"))
    assert code(exc) == "federate.out_of_order"


def test_wrong_key_is_rejected() -> None:
    _, receiver, _ = pair()
    stranger = Channel(session="s", key=Ed25519PrivateKey.generate(), peer=Ed25519PrivateKey.generate().public_key())
    with pytest.raises(FederationError) as exc:
        receiver.open(stranger.seal("hello"))
    assert code(exc) == "federate.unknown_sender"


def test_forged_sender_field_fails_the_signature() -> None:
    sender, receiver, _ = pair()
    forger = Ed25519PrivateKey.generate()
    msg = Message(session="s", seq=1, ts=time.time(), sender=sender.me, kind="hello")
    with pytest.raises(FederationError) as exc:
        receiver.open(encode(msg, forger))
    assert code(exc) == "federate.bad_signature"


@pytest.mark.parametrize("cut", [0, 3, 10, -1])
def test_tampered_or_truncated_frames_are_rejected(cut: int) -> None:
    sender, receiver, _ = pair()
    frame = bytearray(sender.seal("labels", {"a": 1}, [b"payload" * 10]))
    if cut == -1:
        frame[-70] ^= 1  # one bit of a blob
        with pytest.raises(FederationError) as exc:
            receiver.open(bytes(frame))
        assert code(exc) == "federate.bad_signature"
    else:
        with pytest.raises(FederationError) as exc:
            receiver.open(bytes(frame[:cut]) + b"\xff" * cut)
        assert code(exc) in ("federate.malformed", "federate.bad_signature")


def test_garbage_is_malformed() -> None:
    _, receiver, _ = pair()
    with pytest.raises(FederationError) as exc:
        receiver.open(b"GET / HTTP/1.1\r\n" * 10)
    assert code(exc) == "federate.malformed"


def test_other_session_and_stale_timestamp_are_rejected() -> None:
    a, b = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    receiver = Channel(session="s", key=b, peer=a.public_key())
    other = Channel(session="t", key=a, peer=b.public_key())
    with pytest.raises(FederationError) as exc:
        receiver.open(other.seal("hello"))
    assert code(exc) == "federate.wrong_session"
    old = Message(session="s", seq=1, ts=time.time() - 3600, sender=other.me, kind="hello")
    with pytest.raises(FederationError) as exc:
        receiver.open(encode(old, a))
    assert code(exc) == "federate.stale"


def test_unexpected_step_is_named() -> None:
    sender, receiver, _ = pair()
    with pytest.raises(FederationError) as exc:
        receiver.open(sender.seal("choice"), "labels")
    assert code(exc) == "federate.unexpected" and "labels" in str(exc.value)
