// The flags of `descent train --text` (src/cli/text.ts), apart so that train.ts lists them without loading the text run.
import type { Flags } from './args.js';

/** The flags of a text run (see text.ts). */
export const TEXT_FLAGS: Flags = {
  text: { type: 'string', value: 'COLUMN', help: 'classify the text in COLUMN (name or 0-based index) with hashed word features (sparse; the target is --target); defaults become scikit-learn\'s SGDClassifier: sgd, optimal schedule, α 1e-4, batch 1, early stop 5 / 1e-3' },
  'hash-features': { type: 'string', value: 'N', help: 'with --text: the hash space, a power of two', def: '262144 (2^18)' },
  analyzer: { type: 'string', value: 'word|char|char_wb', help: 'with --text: tokens are words, character n-grams, or character n-grams inside words', def: 'word' },
  ngrams: { type: 'string', value: 'MIN,MAX', help: 'with --text: n-gram sizes (of words, or of characters with --analyzer char)', def: '1,1' },
  'stop-words': { type: 'string', value: 'english', help: "with --text: drop scikit-learn's English stop words" },
  'no-lowercase': { type: 'boolean', help: 'with --text: keep the case of the text' },
  tfidf: { type: 'boolean', help: 'with --text: weight columns by idf (fitted on the texts; saved with --save)' },
  'sublinear-tf': { type: 'boolean', help: 'with --text: 1 + ln(count) instead of the count' },
};
