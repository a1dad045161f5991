// The descent-ml/plot entry: dependency-free SVG charts of training runs (loss against epoch, samples seen and
// time), as strings to write to a file or put in a page. The tick helpers of svg.ts stay internal.
export {
  renderChart, lossChart, convergenceChart, PALETTE,
  type Panel, type Series, type ChartOptions, type RunHistory, type LossAxis, type LossChartOptions,
} from './svg.js';
