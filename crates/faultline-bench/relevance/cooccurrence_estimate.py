# Offline estimate (not product code): would page-level PMI co-occurrence neighbours of the typed
# words bridge the dev misses? For each dev query whose first relevant page is not first, count
# typed words absent from the corpus, and whether the neighbours of present words occur on the
# wanted page more than on the page ranked first.
# Usage: faultline-bench relevance --no-test --per-query dev > /tmp/pq.txt
#        python3 crates/faultline-bench/relevance/cooccurrence_estimate.py /tmp/pq.txt
# (reads the page-text cache that `relevance` leaves under target/bench/relevance; dev only.)
import glob, json, math, os, re, sys, tomllib, collections
cache = max(glob.glob('target/bench/relevance/pages-*.json'), key=os.path.getmtime)
pages = json.load(open(cache))
tok = lambda t: set(w[:6] for w in re.findall(r'[a-zäöüß]{3,}', t.lower()))
docs = {(p['file_name'], p['page']): tok(p['text']) for p in pages}
N = len(docs)
df = collections.Counter(w for s in docs.values() for w in s)
inv = collections.defaultdict(set)
for k, s in docs.items():
    for w in s: inv[w].add(k)
def neighbours(w, n=5):
    if w not in inv: return []
    co = collections.Counter(x for k in inv[w] for x in docs[k])
    out = []
    for x, c in co.items():
        if x == w or c < 3 or df[x] > N / 10: continue
        pmi = math.log(c * N / (df[w] * df[x]))
        out.append((pmi * math.log(c), x))
    return [x for _, x in sorted(out, reverse=True)[:n]]
dev = tomllib.load(open('crates/faultline-bench/relevance/blind_dev.toml', 'rb'))
man = dev['manuals']
ranks = {}
for line in open(sys.argv[1]):
    m = re.match(r'^(\w+)\s+ours\s+(\S+).*?"(.*)" want (\S+) got (\S+)', line)
    if m: ranks[m.group(3)] = (m.group(2), m.group(4), m.group(5).split(',')[0])
absent = present = helps = hurts = 0
for q in dev['query']:
    r = ranks.get(q['text'])
    if not r or r[0] == '1': continue
    words = tok(q['text'])
    got = r[2].rsplit(':', 1)
    got_key = next((k for k in docs if got[0] in k[0] and str(k[1]) == got[1]), None)
    want_keys = []
    for rel in q.get('relevant', []):
        mm, pg = rel.rsplit(':', 1) if ':' in rel else (None, None)
        if mm in man: want_keys.append((man[mm], int(pg)))
    for w in words:
        if w not in df: absent += 1; continue
        present += 1
        nb = set(neighbours(w)) - words
        inw = max((len(nb & docs.get(k, set())) for k in want_keys), default=0)
        ing = len(nb & docs.get(got_key, set())) if got_key else 0
        helps += inw > ing; hurts += ing > inw
print(f'typed words in missed dev queries: {absent} absent from the corpus, {present} present; '
      f'neighbours more on a wanted page for {helps}, more on the page ranked first for {hurts}')
