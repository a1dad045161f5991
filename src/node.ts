// The Node entry of descent: package.json maps 'descent-ml' here under the "node" condition, and
// 'descent-ml/node' always. Everything of the core entry, plus reading files and streams. Importing it registers
// node:fs for Dataset.fromCSV(path) and Dataset.builtin(name), and csv-parse's native build for speed. The core
// entry stays free of `fs` so browsers and bundlers never meet it. Unlike the core, this entry's code uses the
// csv-parse dependency.
import './data/node.js';
import './threads/node-host.js';
import './training/checkpoint-node.js';

export * from './index.js';
export { builtinNames, builtinCatalog, type BuiltinInfo, type ReferenceScores } from './data/catalog.js';
export { mnistFromBytes, decodeMnist, type ImageTable } from './data/mnist.js';
export {
  csvBatches, csvStats, type CSVBatch, type CSVBatchOptions, type CSVSource, type CSVStats,
} from './data/csv/stream.js';
export { readImageFolder, type ImageFolderTable } from './data/image-folder.js';
export { saveSafetensors, readSafetensors } from './interchange/node.js';
export { toOnnx, type OnnxOptions } from './interchange/onnx.js';
export { readCheckpoint, latestCheckpoint, checkpointFiles } from './training/checkpoint-node.js';
