#!/usr/bin/env python3
"""Writes test/fixtures/text-sklearn.json: scikit-learn's HashingVectorizer (and TfidfTransformer) output and
murmurhash3_32 values on handwritten Unicode texts and excerpts of the SpamAssassin corpus, for test/text.sklearn.

    /usr/bin/python3 scripts/text-sklearn-fixture.py   # Debian's python3-sklearn (1.2.1); needs npm ci first

Each case gives the JavaScript options of descent's HashingVectorizer beside the scikit-learn objects built from
them; the CSR arrays are scikit-learn's float64 results (the test rounds them to float32)."""
import json
import os
import sys

import numpy as np
import sklearn
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
from sklearn.utils.murmurhash import murmurhash3_32

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
SPAM = os.path.join(ROOT, 'node_modules', '@stdlib', 'datasets-spam-assassin', 'data')

HANDWRITTEN = [
    '',
    '   \t\n  ',
    'Hello, World! Hello again: hello.',
    "Don't stop—it's 2024; rock'n'roll isn't dead.",
    'Ünïcödé: ΌΣΟΣ σοφός, Straße, İstanbul, ÉCOLE, Ǆemal.',
    'Москва — столица России. Ёлка и ёж.',
    '東京都は日本の首都です。漢字かなカナ混じり文',
    'العربية: مرحبا بالعالم ١٢٣ ٤٥٦',
    'नमस्ते दुनिया, हिन्दी में स्वागत है',
    'Emoji 🍕 pizza❤️love 👍🏽 ok 🇫🇷 flag_tag 😀😀',
    'x2 3d a 7 42 x² ½ Ⅻ ① snake_case __init__ _ __',
    'tabs\there\x1cfile-sep\x85next-line\u00a0nbsp\ufeffbom\u2003em   space',
    'a b c d e f g h i j k l m n o p',
    'spam spam spam SPAM Spam eggs spam eggs bacon and spam',
    'mail me at john.doe@example.com or see http://example.org/a?b=c&d=e#frag',
    'café cafe\u0301 naïve nai\u0308ve',
    'The quick brown fox jumps over the lazy dog; the dog sleeps.',
    'I',
]


def spam_excerpts(count=24, chars=700):
    files = json.load(open(os.path.join(SPAM, 'file_list.json')))
    step = len(files) // count
    out = []
    for i in range(0, step * count, step):
        msg = json.load(open(os.path.join(SPAM, files[i].replace('txt', 'json')), encoding='utf-8'))
        out.append(msg['text'][:chars])
    return out


def csr(m):
    m = m.tocsr()
    m.sort_indices()
    return {'indptr': m.indptr.tolist(), 'indices': m.indices.tolist(), 'data': [float(v) for v in m.data]}


def hashing(js, **extra):
    """HashingVectorizer with the sklearn twins of descent's options."""
    kw = dict(n_features=js.get('features', 2 ** 18), alternate_sign=js.get('alternateSign', True),
              lowercase=js.get('lowercase', True), analyzer=js.get('analyzer', 'word'),
              ngram_range=tuple(js.get('ngramRange', [1, 1])), stop_words=js.get('stopWords'))
    kw.update(extra)
    return HashingVectorizer(**kw)


def main():
    docs = HANDWRITTEN + spam_excerpts()
    short = len(HANDWRITTEN)
    cases = []

    def plain(name, js, rows):
        sub = docs[:rows]
        norm = js.get('norm', 'l2')
        x = hashing(js, norm=norm).transform(sub)
        cases.append({'name': name, 'options': js, 'rows': rows, **csr(x)})

    def tfidf(name, js, fit_rows):
        hv = hashing(js, norm=None)
        tt = TfidfTransformer(norm=js.get('norm', 'l2'), smooth_idf=True, sublinear_tf=js.get('sublinearTf', False))
        tt.fit(hv.transform(docs[:fit_rows]))
        x = tt.transform(hv.transform(docs))
        cases.append({'name': name, 'options': {**js, 'tfidf': True}, 'rows': len(docs), 'fitRows': fit_rows, **csr(x)})

    plain('default (2^18, word, l2, signed)', {}, len(docs))
    plain('word 1-3 grams, english stop words', {'ngramRange': [1, 3], 'stopWords': 'english'}, len(docs))
    plain('no lowercase, no norm, unsigned', {'lowercase': False, 'norm': None, 'alternateSign': False}, len(docs))
    plain('2^4 features: collisions, signed, no norm', {'features': 16, 'norm': None}, len(docs))
    plain('char 1-3', {'analyzer': 'char', 'ngramRange': [1, 3]}, short)
    plain('char 2-4', {'analyzer': 'char', 'ngramRange': [2, 4], 'features': 2 ** 20}, short)
    plain('char_wb 2-5', {'analyzer': 'char_wb', 'ngramRange': [2, 5]}, short)
    plain('char_wb 1-2', {'analyzer': 'char_wb', 'ngramRange': [1, 2], 'norm': None}, short)
    tfidf('tf-idf, unsigned, fitted on the first 30', {'alternateSign': False}, 30)
    tfidf('tf-idf, sublinear tf, bigrams', {'alternateSign': False, 'sublinearTf': True, 'ngramRange': [1, 2]}, 30)

    strings = ['', 'a', 'ab', 'abc', 'abcd', 'abcde', 'hello', 'Hello, world!', 'The quick brown fox jumps over the lazy dog',
               'é', 'straße', '東京', '🍕', 'naïve café', '\u0000', '\u0000\u0000\u0000\u0000']
    murmur = [{'text': s, 'seed': seed, 'signed': int(murmurhash3_32(s, seed)),
               'unsigned': int(murmurhash3_32(s, seed, positive=True))}
              for s in strings for seed in (0, 1, 42, 2 ** 32 - 1)]

    out = {'generator': 'scripts/text-sklearn-fixture.py', 'sklearn': sklearn.__version__, 'numpy': np.__version__,
           'python': sys.version.split()[0], 'documents': docs, 'cases': cases, 'murmur': murmur}
    path = os.path.join(ROOT, 'test', 'fixtures', 'text-sklearn.json')
    with open(path, 'w', encoding='utf-8') as f:
        json.dump(out, f, ensure_ascii=False, separators=(',', ':'))
        f.write('\n')
    print(path, os.path.getsize(path), 'bytes,', len(docs), 'documents,', len(cases), 'cases')


if __name__ == '__main__':
    main()
