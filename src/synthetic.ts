// The descent-ml/synthetic entry: seeded synthetic datasets (scikit-learn's make_regression and
// make_classification), in memory or as chunks for streams larger than memory. Browser-safe. Kept out of the core
// entry because they serve tests, demos and benchmarks rather than training on real data.
export {
  makeRegression, makeClassification, regressionChunks, classificationChunks, csvChunks,
  type SyntheticData, type RegressionData, type RegressionOptions, type ClassificationOptions,
} from './data/synthetic.js';
