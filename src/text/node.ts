// descent-ml/text under Node: everything of the browser-safe entry, plus the optional corpus loaders.
export * from './index.js';
export {
  loadSpamAssassin, loadMobyDick, MissingPackageError, requireOptional, SPAM_PACKAGE, MOBY_DICK_PACKAGE, type SpamCorpus, type Chapter,
} from './corpora.js';
