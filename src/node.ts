// The Node entry of descent (package.json maps "descent" here under the "node" condition, and
// "descent/node" always): everything of the browser-safe entry, plus reading files and streams.
// Importing it registers node:fs for Dataset.fromCSV(path) and Dataset.builtin(name), and csv-parse's
// native build for speed. The default entry stays free of `fs` so browsers and bundlers never meet it.
import './data/node.js';

export * from './index.js';
export { readTextFile } from './data/node.js';
export { builtinNames, builtinText, loadBuiltin, type BuiltinName } from './data/builtin.js';
export { mnistFromBytes, decodeMnist, type ImageTable } from './data/mnist.js';
export {
  csvBatches, csvStats, standardizeRows,
  type CSVBatch, type CSVBatchOptions, type CSVSource, type CSVStats,
} from './data/stream.js';
