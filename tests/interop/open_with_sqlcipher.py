"""Opens a Yuva registry with SQLCipher as someone else built it (the sqlcipher3-binary wheel,
its own SQLCipher 4 build) and the registry's passphrase, as an administrator recovering
data would with the `sqlcipher` shell: `PRAGMA key`, SQLCipher 4's defaults, nothing else.

    python3 tests/interop/open_with_sqlcipher.py REGISTRY PASSPHRASE

Prints the counts it read; exits 1 when the registry does not open, is damaged, or opens
without the key.
"""

import sys

import sqlcipher3


def main(path: str, passphrase: str) -> int:
    conn = sqlcipher3.connect(path)
    # PRAGMA takes no bound parameters: the passphrase is quoted as an SQL string.
    conn.execute("PRAGMA key = '" + passphrase.replace("'", "''") + "'")
    version = conn.execute("PRAGMA cipher_version").fetchone()[0]
    integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
    counts = {
        table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("families", "children", "accounts", "audit_log")
    }
    print(f"sqlcipher {version}: integrity {integrity}, {counts}")
    if integrity != "ok" or counts["children"] == 0 or counts["accounts"] == 0:
        return 1
    # Without the key the same file is noise.
    plain = sqlcipher3.connect(path)
    try:
        plain.execute("SELECT count(*) FROM children").fetchone()
        print("the registry opened WITHOUT its passphrase")
        return 1
    except sqlcipher3.DatabaseError:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
