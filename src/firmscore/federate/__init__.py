"""Vertical federated scorecards between a guest (label holder, e.g. a bank) and a host (feature holder).

Neither party hands its rows to the other: enterprise ids are matched by private set intersection
(:mod:`~firmscore.federate.psi`), the host's bins get their event counts from the guest's
encrypted labels (:mod:`~firmscore.federate.paillier`, :mod:`~firmscore.federate.binning`), the
logistic regression runs on encrypted residuals and masked gradients
(:mod:`~firmscore.federate.ckks`, :mod:`~firmscore.federate.regression`), and every message is
signed, sequenced and logged (:mod:`~firmscore.federate.wire`, :mod:`~firmscore.federate.transcript`).
See ``docs/federated.md``.
"""
