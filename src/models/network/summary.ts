// A network's summary, as Keras's model.summary() and torchinfo print one: a row per layer (its path, type,
// output shape per row and parameter count; a container's layers under it, indented, the container counting
// theirs), then the totals. Built from the planned layers, so the counts are those of the parameter vector.
import type { PlannedLayer } from '../layers/layer.js';

/** One row of a {@link NetworkSummary}. */
export interface SummaryLayer {
  /** The layer's address as getWeights takes it: its index, then indices inside containers (`[3, 0]`). */
  path: number[];
  /** Containers above it (0 for the network's own layers). */
  depth: number;
  /** The layer's type (`dense`, `conv2d`, `residual`, …). */
  type: string;
  /** The shape of one row's output (no batch dimension). */
  outputShape: number[];
  /** Parameters of the layer, a container's including its layers'. */
  params: number;
  /** Its tensors: their getWeights names and shapes (PyTorch's layout). */
  tensors: { name: string; shape: number[] }[];
}

/** The numbers a summary needs besides the layers. */
export interface SummaryInfo {
  inputShape: readonly number[];
  loss: string;
  /** Parameters of the network (the length of its parameter vector). */
  params: number;
  /** The first `weights` parameters are the weights the L2 and L1 penalties act on; the rest are biases and scales. */
  weights: number;
  /** Running statistics (batch norm), not trained by gradient. */
  statistics: number;
}

const count = (n: number): string => n.toLocaleString('en-US');
const shapeText = (s: readonly number[]): string => `[${s.join(', ')}]`;

function bytesText(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 2 ** 20) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 2 ** 20).toFixed(1)} MiB`;
}

/** Parameters of a layer and, for a container, of its layers. */
function paramsOf(l: PlannedLayer): number {
  return l.tensors.reduce((a, t) => a + t.size, 0) + l.children.reduce((a, c) => a + paramsOf(c), 0);
}

/** A network's layers, shapes and parameter counts; `toString()` is the printed table. */
export class NetworkSummary {
  /** One row per layer, containers before their layers. */
  readonly layers: readonly SummaryLayer[];
  /** The shape of one input row. */
  readonly inputShape: readonly number[];
  /** The shape of one output row. */
  readonly outputShape: readonly number[];
  /** The loss head. */
  readonly loss: string;
  /** All parameters (f32 each). */
  readonly totalParams: number;
  /** Parameters the penalties act on (weights); the rest are biases and scales. */
  readonly weights: number;
  /** Running statistics (batch norm), saved with the model but not trained by gradient. */
  readonly statistics: number;

  /** @internal made by {@link Network.summary} from the planned layers. */
  constructor(planned: readonly PlannedLayer[], info: SummaryInfo) {
    const rows: SummaryLayer[] = [];
    const visit = (ls: readonly PlannedLayer[], depth: number): void => {
      for (const l of ls) {
        rows.push({
          path: [...l.path], depth, type: l.spec.type, outputShape: [...l.outShape], params: paramsOf(l),
          tensors: l.tensors.map((t) => ({ name: t.name, shape: [...t.shape] })),
        });
        visit(l.children, depth + 1);
      }
    };
    visit(planned, 0);
    this.layers = rows;
    this.inputShape = [...info.inputShape];
    this.outputShape = planned.length > 0 ? [...planned[planned.length - 1].outShape] : [...info.inputShape];
    this.loss = info.loss;
    this.totalParams = info.params;
    this.weights = info.weights;
    this.statistics = info.statistics;
  }

  /** The table: layer path (indented under its container), type, output shape, parameters; then the totals. */
  toString(): string {
    const head = ['Layer', 'Type', 'Output shape', 'Params'];
    const body = [
      ['input', '', shapeText(this.inputShape), ''],
      ...this.layers.map((l) => ['  '.repeat(l.depth) + l.path.join('.'), l.type, shapeText(l.outputShape), count(l.params)]),
    ];
    const width = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
    const line = (r: string[]): string => r.map((c, i) => (i === 3 ? c.padStart(width[i]) : c.padEnd(width[i]))).join('   ').trimEnd();
    const rule = '─'.repeat(width.reduce((a, w) => a + w, 0) + 3 * (width.length - 1));
    const out = [line(head), rule, ...body.map(line), rule];
    out.push(`Total params: ${count(this.totalParams)} (${bytesText(4 * this.totalParams)} as f32)`);
    out.push(`  weights: ${count(this.weights)}, biases and scales: ${count(this.totalParams - this.weights)}`);
    if (this.statistics > 0) out.push(`Running statistics (not trained): ${count(this.statistics)}`);
    out.push(`Loss: ${this.loss}; output ${shapeText(this.outputShape)} per row`);
    return out.join('\n') + '\n';
  }

  /** Plain data: the layers and totals (what `descent summary --json` prints). */
  toJSON(): Omit<NetworkSummary, 'toString' | 'toJSON'> {
    return {
      layers: this.layers, inputShape: this.inputShape, outputShape: this.outputShape, loss: this.loss,
      totalParams: this.totalParams, weights: this.weights, statistics: this.statistics,
    };
  }
}
