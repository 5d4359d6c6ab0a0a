# Offline estimate (not product code): is the shape of our BM25 right for these manuals? Two
# questions, answered by re-scoring each dev and seen query's top 10 from `relevance --explain`
# (every matched term's tf, field length, average length, idf and boosts are in the explanation;
# the coverage factor of the rerank is kept as it was):
#  1. k1 and b per field family (tantivy fixes k1 = 1.2, b = 0.75): a grid over body, heading,
#     both, and meta;
#  2. a term matched in several fields or forms counted at its best one (dismax with tie t) instead
#     of the sum of its fields (t = 1 is the shipped sum).
# Re-scoring with the shipped constants reproduces every page's score (the script checks it), so
# the reorder is faithful inside the top 10; pages below it cannot come in. Dev and seen only: the
# test set is never read.
# Usage: cargo build --release -p faultline-bench
#        python3 crates/faultline-bench/relevance/bm25_shape_estimate.py
# (the explanations are dumped once to target/bench/relevance/explain_dev_seen.json: delete it
# after a ranking change.)
import itertools, json, math, os, subprocess, tomllib
from concurrent.futures import ThreadPoolExecutor

R = 'crates/faultline-bench/relevance/'
OUT = 'target/bench/relevance/explain_dev_seen.json'


def explain(text):
    out = subprocess.run(['target/release/faultline-bench', 'relevance', '--explain', text],
                         capture_output=True, text=True, check=True).stdout
    return [json.loads(line) for line in out.splitlines()]


def dump():
    sets = {}
    for name, f in (('dev', 'blind_dev.toml'), ('seen', 'manual_queries.toml')):
        d = tomllib.load(open(R + f, 'rb'))
        rounds = []
        for i, n in enumerate(d.get('rounds', [len(d['query'])])):
            rounds += [i + 1] * n
        files = {v.split('__', 1)[1][:-4][:14]: k for k, v in d['manuals'].items()}
        with ThreadPoolExecutor(2) as ex:
            res = list(ex.map(lambda q: explain(q['text']), d['query']))
        sets[name] = []
        for i, q in enumerate(d['query']):
            hits = []
            for h in res[i]:
                m, pg = h['page'].rsplit(':', 1)
                hits.append(dict(page=files[m] + ':' + pg, score=h['score'], why=h['why']))
            sets[name].append(dict(text=q['text'], round=rounds[i], relevant=q.get('relevant', []),
                                   hits=hits))
    json.dump(sets, open(OUT, 'w'))


if not os.path.exists(OUT):
    dump()
D = json.load(open(OUT))


def family(field):  # schema.rs: body 9-14, heading 15-20, code 21, meta 22
    return ('body' if 9 <= field <= 14 else 'head' if 15 <= field <= 20 else 'code' if field == 21
            else 'meta' if field == 22 else 'other')


def field_of(node):
    ctx = node.get('context') or []
    if any('Term=' in c for c in ctx):
        return int(ctx[0].split('field=')[1].split(',')[0])
    return None


def rescore(node, params, field=None):
    """The explanation's value with k1, b of each field family from `params`."""
    desc, kids = node.get('description', ''), node.get('details') or []
    field = field_of(node) or field
    if desc.startswith('freq / (freq + k1'):
        v = {k['description'].split(',')[0]: k['value'] for k in kids}
        k1, b = params[family(field)]
        return v['freq'] / (v['freq'] + k1 * (1 - b + b * v['dl'] / v['avgdl']))
    if desc == '(K1+1)':
        return params[family(field)][0] + 1
    if not kids or desc.startswith('idf'):
        return node['value']
    vals = [rescore(k, params, field) for k in kids]
    if desc.startswith('Boost x'):
        return float(desc.split('x', 1)[1].split(' ')[0]) * vals[0]
    if 'product of' in desc:
        return math.prod(vals)
    if 'sum of' in desc:
        return sum(vals)
    raise ValueError(f'unknown explanation node {desc!r}')


def leaves(node, mult, acc, consts):
    """(term, boosted value) of every matched term, and the constant parts."""
    desc, kids = node.get('description', ''), node.get('details') or []
    ctx = node.get('context') or []
    if any('Term=' in c for c in ctx):
        acc.append((ctx[0].split('"')[1] if '"' in ctx[0] else ctx[0], mult * node['value']))
    elif desc.startswith('Boost x'):
        leaves(kids[0], mult * float(desc.split('x', 1)[1].split(' ')[0]), acc, consts)
    elif 'sum of' in desc:
        for k in kids:
            leaves(k, mult, acc, consts)
    else:
        consts.append(mult * node['value'])


def dismax(why, tie):
    acc, consts = [], []
    leaves(why, 1.0, acc, consts)
    by_term = {}
    for term, v in acc:
        by_term.setdefault(term, []).append(v)
    return sum(max(v) + tie * (sum(v) - max(v)) for v in by_term.values()) + sum(consts)


def evaluate(score):
    out = {}
    for name in ('dev', 'seen'):
        for q in D[name]:
            rel = set(q['relevant'])
            if not rel:
                continue
            order = []
            for i, h in enumerate(q['hits']):
                tree = h['why']['value']
                order.append((-score(h['why']) * (h['score'] / tree if tree else 1), i, h['page']))
            ranked = [p for _, _, p in sorted(order)]
            r5 = len([p for p in ranked[:5] if p in rel]) / min(5, len(rel))
            mrr = next((1 / (i + 1) for i, p in enumerate(ranked[:10]) if p in rel), 0)
            keys = ['seen'] if name == 'seen' else [f'R{q["round"]}', 'dev']
            for k in keys:
                out.setdefault(k, []).append((r5, mrr))
    return {k: (sum(a for a, _ in v) / len(v), sum(b for _, b in v) / len(v)) for k, v in out.items()}


def show(label, r):
    print(f'{label:32s}', '  '.join(f'{k} {r[k][0]:.3f}/{r[k][1]:.3f}'
                                     for k in ('R1', 'R2', 'R3', 'dev', 'seen')))


SHIPPED = {f: (1.2, 0.75) for f in ('body', 'head', 'code', 'meta', 'other')}
bad = sum(abs(rescore(h['why'], SHIPPED) - h['why']['value']) > 1e-3 * max(1, h['why']['value'])
          for v in D.values() for q in v for h in q['hits'])
print(f'pages whose re-scored value differs from the explanation: {bad}')
show('shipped (k1 1.2, b 0.75, sum)', evaluate(lambda w: rescore(w, SHIPPED)))
for fams in (('body',), ('head',), ('body', 'head'), ('meta',)):
    for k1, b in itertools.product((0.6, 0.9, 1.2, 1.6, 2.0), (0.3, 0.5, 0.75, 0.9)):
        params = dict(SHIPPED, **{f: (k1, b) for f in fams})
        show(f'{"+".join(fams)} k1 {k1} b {b}', evaluate(lambda w: rescore(w, params)))
for tie in (0.7, 0.5, 0.3, 0.1, 0.0):
    show(f'dismax tie {tie}', evaluate(lambda w: dismax(w, tie)))
