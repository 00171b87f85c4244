#!/usr/bin/env bash
# Checks Cargo.lock against the RustSec advisory database (cargo deny check
# advisories): vulnerabilities fail; unmaintained and unsound notices fail
# unless deny.toml lists them with a reason.
#  1. Offline, against the snapshot in ../shared/advisory-db (or
#     AUTHCERT_ADVISORY_SNAPSHOT), always. cargo-deny wants a git work tree
#     and takes the database's age from its HEAD commit, so the copy is
#     committed with the snapshot's own date (from ADVISORY-DB.md): a stale
#     snapshot fails deny.toml's maximum-db-staleness instead of passing as new.
#  2. Online, against the live database, whenever GitHub answers.
# At least one of the two must run; neither available is a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
snapshot=${AUTHCERT_ADVISORY_SNAPSHOT:-$root/../shared/advisory-db}
ran=0

if [ -d "$snapshot/crates" ]; then
  notes="$(dirname "$snapshot")/ADVISORY-DB.md"
  date=$(sed -n 's/^- Commit date: \([0-9T:+-]*\).*/\1/p;T;q' "$notes" 2>/dev/null)
  [ -n "$date" ] || { echo "advisories: no commit date in $notes; cannot tell the snapshot's age" >&2; exit 1; }
  dbs="$root/target/advisory-snapshot"
  # The folder name cargo-deny derives from the database URL in deny.toml.
  db="$dbs/advisory-db-3157b0e258782691"
  rm -rf "$dbs"
  mkdir -p "$db"
  cp -R "$snapshot/." "$db/"
  (
    cd "$db"
    git init -q
    git add -A
    GIT_AUTHOR_DATE="$date" GIT_COMMITTER_DATE="$date" \
      git -c user.name=snapshot -c user.email=snapshot@localhost -c commit.gpgsign=false \
      commit -q -m "RustSec advisory-db snapshot of $date"
    # cargo-deny also looks at .git/HEAD's time: make it the snapshot's too.
    touch -d "$date" .git/HEAD
  )
  echo "== cargo deny check advisories: snapshot of $date" >&2
  AUTHCERT_ADVISORY_DBS="$dbs" cargo deny --log-level error --offline --locked check advisories
  ran=1

  # The check must bite: the same database with one planted vulnerability
  # in a crate AuthCert uses (serde, all versions) has to fail it.
  planted="$root/target/advisory-planted"
  rm -rf "$planted"
  cp -R "$dbs" "$planted"
  (
    cd "$planted/advisory-db-3157b0e258782691"
    mkdir -p crates/serde
    cat > crates/serde/RUSTSEC-2026-9999.md <<'ADVISORY'
```toml
[advisory]
id = "RUSTSEC-2026-9999"
package = "serde"
date = "2026-08-20"
title = "Planted by scripts/advisories.sh to prove the check fails"

[versions]
patched = []
```

# Planted

Not a real advisory.
ADVISORY
    git add -A
    GIT_AUTHOR_DATE="$date" GIT_COMMITTER_DATE="$date" \
      git -c user.name=snapshot -c user.email=snapshot@localhost -c commit.gpgsign=false \
      commit -q -m planted
    touch -d "$date" .git/HEAD
  )
  if AUTHCERT_ADVISORY_DBS="$planted" cargo deny --log-level error --offline --locked check advisories >/dev/null 2>&1; then
    echo "advisories: a planted vulnerability passed the check; the check is broken" >&2
    exit 1
  fi
  rm -rf "$planted"
  echo "(advisories: a planted vulnerability fails the check, as it must)" >&2
else
  echo "(advisories: no snapshot at $snapshot)" >&2
fi

if timeout 10 git ls-remote --exit-code https://github.com/rustsec/advisory-db HEAD >/dev/null 2>&1; then
  echo "== cargo deny check advisories: the live database" >&2
  AUTHCERT_ADVISORY_DBS="$root/target/advisory-live" cargo deny --log-level error --locked check advisories
  ran=1
else
  echo "(advisories: GitHub does not answer here; the live database was not checked)" >&2
fi

[ "$ran" = 1 ] || { echo "advisories: neither the snapshot nor the live database is available" >&2; exit 1; }
