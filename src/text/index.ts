// descent-ml/text, browser-safe: the tokenizer, MurmurHash3 and the hashing vectorizer, pure TypeScript.
// The Node entry (node.ts beside this file) adds the optional corpus loaders.
export {
  createAnalyzer, tokenize, WORD_PATTERN, type Analyzer, type AnalyzeFn, type TokenizerOptions,
} from './tokenizer.js';
export { ENGLISH_STOP_WORDS } from './stopwords.js';
export { murmurhash3, murmurhash3String, encodeUtf8 } from './murmur3.js';
export { HashingVectorizer, vectorizeLabeled, checkTexts, type Csr, type HashingOptions } from './hashing.js';
export { shuffledSplit } from './split.js';
export {
  charVocab, encodeChars, decodeChars, charWindows, sampleText, CHAR_PAD, CHAR_UNKNOWN, type CharVocab, type SampleOptions, type CharWindowOptions,
  charLmLayers, charVocabFrom, perplexity, type CharLmInfo, type CharLmLayerOptions,
} from './charlm.js';
export { vectorizerToJSON, vectorizerFromJSON, type VectorizerJSON } from './saved.js';
export type { CharModel } from './charlm.js';
