// descent train --checkpoint DIR / --resume DIR / --log-file FILE: train()'s checkpoint and logFile options
// from the flags, and the state to resume from (the newest intact checkpoint of DIR; damaged newer ones are
// named on stderr and skipped).
import '../training/checkpoint-node.js';
import { latestCheckpoint } from '../training/checkpoint-node.js';
import type { TrainOptions } from '../training/train.js';
import { numberFlag, UsageError, type Flags, type Parsed } from './args.js';
import { checkWritable } from './common.js';

/** The checkpoint flags of descent train. */
export const CHECKPOINT_FLAGS: Flags = {
  checkpoint: { type: 'string', value: 'DIR', help: 'save the training state to DIR (atomically) after every epoch, or every --checkpoint-every steps, to resume from with --resume DIR' },
  'checkpoint-every': { type: 'string', value: 'epoch|STEPS', help: 'when --checkpoint saves', def: 'epoch' },
  'checkpoint-keep': { type: 'string', value: 'N', help: 'checkpoint files kept in DIR, newest first', def: '2' },
  resume: { type: 'string', value: 'DIR', help: "go on from DIR's newest intact checkpoint (same data and flags), bit-identical to a run that never stopped; keeps checkpointing to DIR" },
  'log-file': { type: 'string', value: 'FILE', help: 'append one JSON line per epoch (epoch, loss, validation figures, lr, ms, steps)' },
};

/** train()'s `checkpoint`, `logFile` and `resume` from the flags (nothing without them). */
export function checkpointFromFlags(command: string, v: Parsed['values']): Partial<TrainOptions> {
  const o: Partial<TrainOptions> = {};
  const dir = (v.checkpoint ?? v.resume) as string | undefined;
  if (dir === '') throw new UsageError(`descent ${command}: --${v.checkpoint !== undefined ? 'checkpoint' : 'resume'} needs a folder`);
  if (dir === undefined && (v['checkpoint-every'] !== undefined || v['checkpoint-keep'] !== undefined)) {
    throw new UsageError(`descent ${command}: --checkpoint-every and --checkpoint-keep apply to --checkpoint DIR`);
  }
  if (dir !== undefined) {
    const e = v['checkpoint-every'];
    const every = e === undefined || e === 'epoch' ? 'epoch' as const
      : numberFlag(command, 'checkpoint-every', e, 1, { integer: true, min: 1 });
    o.checkpoint = { dir, every, keep: numberFlag(command, 'checkpoint-keep', v['checkpoint-keep'], 2, { integer: true, min: 1 }) };
  }
  const log = checkWritable(command, 'log-file', v['log-file']);
  if (log !== undefined) o.logFile = log;
  if (v.resume !== undefined) {
    const found = latestCheckpoint(String(v.resume));
    for (const r of found.refused) process.stderr.write(`descent ${command}: skipped ${r.error.message}\n`);
    process.stderr.write(`descent ${command}: resuming from ${found.file} (epoch ${found.state.epoch}, step ${found.state.steps})\n`);
    o.resume = found.state;
  }
  return o;
}
