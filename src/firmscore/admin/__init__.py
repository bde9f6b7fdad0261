"""Administration of a data home: erasure everywhere, key rotation, quarantine review, migration of old homes.

These are operator tasks over several stages (store, ledger, features, scoring), so they sit above all
of them, like the CLI.
"""

from firmscore.admin.erase import ErasureReport, erase_records
from firmscore.admin.secure import SecureReport, rotate_kek, secure_home

__all__ = ["ErasureReport", "SecureReport", "erase_records", "rotate_kek", "secure_home"]
