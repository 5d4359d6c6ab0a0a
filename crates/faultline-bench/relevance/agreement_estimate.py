# Offline estimate (not product code): how far do two blind judges agree on the page that answers
# a query, and how does our ranking score against each? Reads blind_dev.toml (judge 1) and
# rejudged_dev.toml (judge 2: every fifth dev query judged again, independently). Dev only.
#   inter-judge: Jaccard of the two relevant sets; the share of queries with a common relevant
#     page; judge 2 as a "system" scored against judge 1 (its relevant pages first, then its
#     partial ones, each in page order — recall@5, MRR@10; the reverse too): what a ranking
#     that agreed with a second careful reader would score.
#   ours: our top 10 (from `relevance --explain`, as in rerank_estimate.py) scored against
#     judge 1 and against judge 2.
# Usage: cargo build --release -p faultline-bench
#        python3 crates/faultline-bench/relevance/agreement_estimate.py
import json, statistics, subprocess, tomllib

R = 'crates/faultline-bench/relevance/'
first = tomllib.load(open(R + 'blind_dev.toml', 'rb'))
second = tomllib.load(open(R + 'rejudged_dev.toml', 'rb'))['query']
by_text = {q['text']: q for q in first['query']}

def score(order, relevant):
    if not relevant:
        return 0.0, 0.0
    r5 = len(set(order[:5]) & relevant) / min(5, len(relevant))
    mrr = next((1 / (i + 1) for i, p in enumerate(order[:10]) if p in relevant), 0.0)
    return r5, mrr

def as_system(q):
    rel, part = set(q.get('relevant', [])), set(q.get('partial', []))
    return sorted(rel) + sorted(part - rel)

def ours(text):  # our top 10 as SHORT:page labels
    short = {f: s for s, f in first['manuals'].items()}
    out = subprocess.run(['target/release/faultline-bench', 'relevance', '--explain', text],
                         capture_output=True, text=True, check=True).stdout
    files = {f.split('__', 1)[1][:-4][:14]: f for f in first['manuals'].values()}
    labels = []
    for line in out.splitlines():
        m, page = json.loads(line)['page'].rsplit(':', 1)
        labels.append(f"{short[files[m]]}:{page}")
    return labels

rows = []
for b in second:
    a = by_text[b['text']]
    ra, rb = set(a.get('relevant', [])), set(b.get('relevant', []))
    top = ours(b['text'])
    rows.append(dict(kind=a['kind'], jaccard=len(ra & rb) / len(ra | rb) if ra | rb else 1.0,
                     common=bool(ra & rb), b_vs_a=score(as_system(b), ra),
                     a_vs_b=score(as_system(a), rb), ours_a=score(top, ra), ours_b=score(top, rb)))

mean = lambda k, i=None: statistics.mean(r[k] if i is None else r[k][i] for r in rows)
print(f"queries {len(rows)}")
print(f"relevant sets: mean Jaccard {mean('jaccard'):.3f}, a common relevant page {mean('common'):.3f}")
print(f"judge 2 as a system vs judge 1: recall@5 {mean('b_vs_a', 0):.3f} MRR@10 {mean('b_vs_a', 1):.3f}")
print(f"judge 1 as a system vs judge 2: recall@5 {mean('a_vs_b', 0):.3f} MRR@10 {mean('a_vs_b', 1):.3f}")
print(f"ours vs judge 1: recall@5 {mean('ours_a', 0):.3f} MRR@10 {mean('ours_a', 1):.3f}")
print(f"ours vs judge 2: recall@5 {mean('ours_b', 0):.3f} MRR@10 {mean('ours_b', 1):.3f}")
for kind in sorted({r['kind'] for r in rows}):
    k = [r for r in rows if r['kind'] == kind]
    print(f"  {kind:9} {len(k):2}  Jaccard {statistics.mean(r['jaccard'] for r in k):.2f}"
          f"  ours vs 1 {statistics.mean(r['ours_a'][1] for r in k):.2f}"
          f"  ours vs 2 {statistics.mean(r['ours_b'][1] for r in k):.2f} (MRR@10)")
