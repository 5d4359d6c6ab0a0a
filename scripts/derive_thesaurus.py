#!/usr/bin/env python3
"""Derives the query-side thesaurus of the manual search
(crates/faultline-manuals/src/index/thesaurus.tsv) from two Debian thesaurus packages,
restricted to the vocabulary of maintenance manuals. Python 3 standard library only.

Sources (fetched with `apt-get download mythes-en-us mythes-de`, unpacked with `dpkg-deb -x`):
  - English: th_en_US_v2.dat of mythes-en-us, derived from WordNet 3 (permission to use,
    copy, modify and distribute with the copyright and permission notice kept);
  - German: th_de_DE_v2.dat of mythes-de, OpenThesaurus (LGPL-2.1+).
The table written holds word pairs only, never manual text; thesaurus.tsv starts with this
note.

Method (it never looks at any query):
  - vocabulary: the words (lowercased, accents folded) on at least MIN_PAGES pages of the
    manuals' page text, per language (English pages for the English thesaurus, German pages
    for the German one), read from the relevance bench's page cache (a JSON list of
    {language, text}; `cargo run --release -p faultline-bench -- relevance` writes it);
  - a headword is kept when it is a single word of at least 3 letters a-z (after folding) in
    that vocabulary;
  - its synonyms: for English the first sense only (WordNet lists the most frequent sense
    first), for German every sense (OpenThesaurus has no such order); only plain synonyms
    (no "(generic term)", "(related term)", "(similar term)", "(antonym)", "(Oberbegriff)",
    "(Unterbegriff)", figurative, vulgar, dated or regional entries), single words of at
    least 3 letters a-z (no numerals: "five" is not "5" or "v"), in the vocabulary, not the
    headword's own inflection (sharing its first four letters);
  - at most MAX_TARGETS synonyms per headword, in the thesaurus's order.

Usage:
  python3 scripts/derive_thesaurus.py MYTHES_DIR PAGES_JSON \
      > crates/faultline-manuals/src/index/thesaurus.tsv
where MYTHES_DIR holds th_en_US_v2.dat and th_de_DE_v2.dat (usr/share/mythes of the packages).
"""
import collections
import json
import os
import re
import sys
import unicodedata

MIN_PAGES = 2
MAX_TARGETS = 3
MIN_CHARS = 3
PLAIN = re.compile(r"[a-z]+")
SKIP = re.compile(
    r"\((generic|related|similar|antonym|Oberbegriff|Unterbegriff|fig\.|derb|vulg|Jargon|"
    r"veraltet|schweiz|österr)"
)
NOTE = """# Query-side thesaurus of the manual search: language TAB typed word TAB manual words.
# Derived by scripts/derive_thesaurus.py (the method is in its docstring) from two Debian
# packages, restricted to words of maintenance manuals:
# - mythes-en-us, th_en_US_v2 (from WordNet 3.0, (c) Princeton University; packaged
#   (c) 2000-2018 Kevin Atkinson): "Permission to use, copy, modify, distribute and sell these
#   word lists, the associated scripts, the output created from the scripts, and its
#   documentation for any purpose is hereby granted without fee, provided that the above
#   copyright notice appears in all copies and that both that copyright notice and this
#   permission notice appear in supporting documentation."
# - mythes-de, th_de_DE_v2 (OpenThesaurus, (c) Daniel Naber and contributors), LGPL-2.1+.
# Word pairs only."""


def fold(word):
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("ß", "ss")


def vocabulary(pages_json):
    vocab = {"en": collections.Counter(), "de": collections.Counter()}
    with open(pages_json, encoding="utf-8") as f:
        pages = json.load(f)
    for page in pages:
        lang = page.get("language") if page.get("language") in vocab else "en"
        for word in set(re.findall(r"[^\W\d_]+", page.get("text", ""))):
            vocab[lang][fold(word)] += 1
    return vocab


def read_mythes(path, first_sense_only):
    """headword (folded) -> synonyms (folded, in order), plain single words only."""
    table = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = f.read().split("\n")
    i = 1  # line 0 names the encoding
    while i < len(lines):
        head, _, count = lines[i].rpartition("|")
        if not head or not count.isdigit():
            i += 1
            continue
        n = int(count)
        synonyms = []
        for sense in lines[i + 1 : i + 1 + (1 if first_sense_only else n)]:
            for entry in sense.split("|")[1:]:
                if SKIP.search(entry):
                    continue
                word = re.sub(r"\s*\([^)]*\)\s*", "", entry).strip()
                if word and " " not in word and "-" not in word:
                    word = fold(word)
                    if word not in synonyms:
                        synonyms.append(word)
        table.setdefault(fold(head), synonyms)
        i += 1 + n
    return table


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    mythes_dir, pages_json = sys.argv[1], sys.argv[2]
    vocab = vocabulary(pages_json)
    print(NOTE)
    sources = [("en", "th_en_US_v2.dat", True), ("de", "th_de_DE_v2.dat", False)]
    for lang, file_name, first_only in sources:
        words = vocab[lang]
        thesaurus = read_mythes(os.path.join(mythes_dir, file_name), first_only)
        for head in sorted(thesaurus):
            if not PLAIN.fullmatch(head) or len(head) < MIN_CHARS or words[head] < MIN_PAGES:
                continue
            targets = [
                s
                for s in thesaurus[head]
                if s != head
                and PLAIN.fullmatch(s)
                and len(s) >= MIN_CHARS
                and words[s] >= MIN_PAGES
                and not s.startswith(head[:4])
                and not head.startswith(s[:4])
            ][:MAX_TARGETS]
            if targets:
                print(f"{lang}\t{head}\t{' '.join(targets)}")


if __name__ == "__main__":
    main()
