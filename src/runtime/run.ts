// A run descriptor in backend memory: the trainer writes pointers, shapes, options and the state
// carried between runs into named slots once, and every kernel call takes (run, start, count).
// The slots come from the ABI manifest (assembly/abi.json) through src/backends/abi.generated.ts.
import type { Backend } from '../backends/backend.js';
import { RUN, RUN_LEN, type RunFields } from '../backends/abi.generated.js';
import { Block } from './block.js';

export type { RunFields };

/** One run descriptor (an f64 block of RUN_LEN slots), owned like every Block. */
export class Run {
  /** @internal */ readonly block: Block<'f64'>;

  /** Allocates a zeroed descriptor (every tool off, every optional pointer absent) and writes `fields`. */
  constructor(backend: Backend, fields: Partial<RunFields> = {}) {
    this.block = new Block(backend, 'f64', RUN_LEN);
    this.block.view.fill(0);
    this.set(fields);
  }

  /** The pointer the kernels take. */
  get ptr(): number {
    return this.block.ptr;
  }

  /** Writes the given fields (a pointer, a count, an option or a state value each). */
  set(fields: Partial<RunFields>): this {
    const v = this.block.view;
    for (const key in fields) v[RUN[key as keyof RunFields]] = fields[key as keyof RunFields]!;
    return this;
  }

  /** Reads one field. */
  get(field: keyof RunFields): number {
    return this.block.view[RUN[field]];
  }

  /** The four words of a PRNG kept in the run (the gradient noise's `rng`, the dropout's `dropRng`), a copy. */
  words(field: 'rng' | 'dropRng'): number[] {
    return Array.from(this.block.view.subarray(RUN[field], RUN[field] + 4));
  }

  /** Sets a PRNG's four words (from Rng.state). */
  setWords(field: 'rng' | 'dropRng', words: ArrayLike<number>): void {
    this.block.view.set(words, RUN[field]);
  }

  /** Frees the descriptor; safe to call twice. */
  dispose(): void {
    this.block.dispose();
  }
}
