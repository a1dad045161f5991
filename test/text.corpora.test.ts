// The optional corpora (devDependencies): SpamAssassin for spam/ham classification, Moby-Dick for a character-level
// language model; a missing package is a typed error naming it. Counted as skipped where they are not installed
// (and failing under CI=true, which installs the devDependencies).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRequire } from 'node:module';
import { DescentError } from '../src/errors.js';
import {
  loadMobyDick, loadSpamAssassin, MissingPackageError, requireOptional, SPAM_PACKAGE, MOBY_DICK_PACKAGE,
} from '../src/text/node.js';
import { HashingVectorizer, shuffledSplit } from '../src/text/index.js';
import { testOrSkip } from './_skip.js';

/** Why a test of package `name` cannot run, or undefined when it is installed. */
const missing = (name: string) => {
  try {
    createRequire(import.meta.url).resolve(name);
    return undefined;
  } catch {
    return `${name} is not installed (npm ci installs the devDependencies)`;
  }
};

test('a missing optional package is a MissingPackageError naming it', () => {
  try {
    requireOptional('@descent-ml/no-such-corpus', 'loadNothing()');
    assert.unreachable('did not throw');
  } catch (e) {
    assert.instance(e, MissingPackageError);
    assert.instance(e, DescentError);
    assert.is((e as MissingPackageError).code, 'E_PACKAGE');
    assert.is((e as MissingPackageError).packageName, '@descent-ml/no-such-corpus');
    assert.match((e as Error).message, /loadNothing\(\) needs the optional package @descent-ml\/no-such-corpus/);
  }
});

testOrSkip(test, 'SpamAssassin: 6,046 messages, 1,896 spam; the seed-13 every-5th split and its vectorized rows', missing(SPAM_PACKAGE), () => {
  const spam = loadSpamAssassin();
  assert.is(spam.texts.length, 6046);
  assert.is(spam.labels.reduce((a, b) => a + b, 0), 1896);
  assert.equal([...new Set(spam.groups)], ['easy-ham-1', 'easy-ham-2', 'hard-ham-1', 'spam-1', 'spam-2']);
  assert.ok(spam.texts.every((t) => typeof t === 'string' && t.length > 0));
  const { train, test: held } = shuffledSplit(spam.texts.length, { seed: 13 });
  assert.is(held.length, 1210);
  // Pinned: scripts/text-sklearn-baseline.py re-implements the shuffle in Python and prints the same documents.
  assert.equal([...held.slice(0, 8)], [4912, 1579, 2368, 3082, 26, 1331, 5205, 1004], 'as scripts/text-sklearn-baseline.py prints');
  let spamInTest = 0;
  for (const i of held) spamInTest += spam.labels[i];
  assert.ok(spamInTest > 330 && spamInTest < 430, `spam in the test set: ${spamInTest}`);
  const x = new HashingVectorizer().transform(Array.from(held.slice(0, 50), (i) => spam.texts[i]));
  assert.is(x.rows, 50);
  for (let r = 0; r < 50; r++) assert.ok(x.indptr[r + 1] > x.indptr[r], `message ${held[r]} has tokens`);
  assert.ok(train.length === 4836);
});

testOrSkip(test, 'Moby-Dick: 139 parts, the whole book as one text', missing(MOBY_DICK_PACKAGE), () => {
  const book = loadMobyDick();
  assert.is(book.chapters.length, 139);
  assert.match(book.text, /Call me Ishmael\./);
  assert.ok(book.text.length > 1_000_000, `${book.text.length} characters`);
});

test.run();
