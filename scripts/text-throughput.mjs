// How fast descent's HashingVectorizer turns SpamAssassin messages into CSR rows (documents/s), on the training set
// of the seed-13 every-5th split, the figure scripts/text-sklearn-baseline.py gives for scikit-learn's.
//   npm run build && node scripts/text-throughput.mjs [repeats] [configs to run, default all 4]
import { HashingVectorizer, loadSpamAssassin, shuffledSplit } from '../dist/text/node.js';

const repeats = Number(process.argv[2] ?? 5);
const spam = loadSpamAssassin();
const { train } = shuffledSplit(spam.texts.length, { seed: 13 });
const texts = Array.from(train, (i) => spam.texts[i]);
const chars = texts.reduce((n, t) => n + t.length, 0);
const configs = ([
  ['default (2^18, word, signed, l2)', {}],
  ['tf-idf fitted on the training set, sublinear tf', { tfidf: true, sublinearTf: true }],
  ['word 1-2 grams', { ngramRange: [1, 2] }],
  ['char_wb 2-4', { analyzer: 'char_wb', ngramRange: [2, 4] }],
]).slice(0, Number(process.argv[3] ?? 4));
console.log(`${texts.length} training messages, ${(chars / 1e6).toFixed(1)} M characters; node ${process.version}; best of ${repeats}`);
new HashingVectorizer().transform(texts); // warm-up: the JIT and the word-character table
for (const [name, options] of configs) {
  let best = Infinity, nnz = 0;
  for (let k = 0; k < repeats; k++) {
    const v = new HashingVectorizer(options);
    const t0 = performance.now();
    const x = v.fitTransform(texts);
    best = Math.min(best, performance.now() - t0);
    nnz = x.indices.length;
  }
  console.log(`${name}: ${best.toFixed(0)} ms, ${Math.round(texts.length / (best / 1000))} documents/s, ${(nnz / texts.length).toFixed(0)} stored entries per document`);
}
