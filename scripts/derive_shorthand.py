#!/usr/bin/env python3
"""Derives the shorthand table of crates/faultline-diagnosis (shorthand_learned.tsv) from the
MaintNorm corpus (../shared/corpus/history/maintnorm-mwo: raw token TAB normalised token, one
token a line, a blank line between texts). Python 3 standard library only.

Only token pairs are written, never the corpus text: a raw token (lowercased) is kept when
  - its normalisation differs from it and is plain words (not a mask such as <id> or <num>),
  - it was seen at least MIN_COUNT times in train + val, and
  - at least MIN_SHARE of its occurrences normalise the same way (the pair is unambiguous).

Usage: python3 scripts/derive_shorthand.py [corpus_dir] > crates/faultline-diagnosis/src/shorthand_learned.tsv
"""
import collections
import os
import re
import sys

MIN_COUNT = 3
MIN_SHARE = 0.8
WORDS = re.compile(r"^[a-z]+( [a-z]+)*$")


def pairs(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or "\t" not in line:
                continue
            raw, norm = line.split("\t", 1)
            yield raw.strip().lower(), norm.strip().lower()


def main():
    corpus = sys.argv[1] if len(sys.argv) > 1 else "../shared/corpus/history/maintnorm-mwo"
    seen = collections.defaultdict(collections.Counter)
    # train and val only: test.norm stays unseen, as the corpus intends.
    for name in ("train.norm", "val.norm"):
        for raw, norm in pairs(os.path.join(corpus, name)):
            seen[raw][norm] += 1
    rows = []
    for raw, norms in seen.items():
        total = sum(norms.values())
        norm, n = norms.most_common(1)[0]
        if norm == raw or not WORDS.match(norm) or not raw or "\t" in raw:
            continue
        if total < MIN_COUNT or n / total < MIN_SHARE:
            continue
        rows.append((raw, norm, n, total))
    rows.sort()
    print("# raw\tnormalised\tcount\tof  (derived by scripts/derive_shorthand.py from MaintNorm"
          f" train+val; min count {MIN_COUNT}, min share {MIN_SHARE})")
    for raw, norm, n, total in rows:
        print(f"{raw}\t{norm}\t{n}\t{total}")


if __name__ == "__main__":
    main()
