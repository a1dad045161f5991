// The training toolkit on the command line: learning-rate schedules, penalties, gradient clipping, a
// validation split and early stopping on it. Each flag becomes the TrainOptions field train() already has;
// mistakes are reported against the flag the user typed.
import type { ScheduleOptions } from '../optim/schedule-options.js';
import type { TrainOptions } from '../training/train.js';
import { numberFlag, UsageError, type Flags, type Parsed } from './args.js';

/** The --schedule syntax, for --help and for error messages. */
export const SCHEDULE_SYNTAX = 'constant, cosine[:T0[:ETA_MIN]], step:EPOCHS[:GAMMA], multistep:E1,E2,…[:GAMMA], ' +
  'exponential:GAMMA, invscaling[:POWER], onecycle[:MAX_LR], plateau[:FACTOR[:PATIENCE]]';

/** Flags of the toolkit (train and compare). */
export const TOOLKIT_FLAGS: Flags = {
  schedule: { type: 'string', value: 'SPEC', help: `learning-rate schedule: ${SCHEDULE_SYNTAX} (epochs count from 0; e.g. step:10:0.5 halves the rate every 10 epochs)`, def: 'cosine, from --lr down to 0 over the run' },
  l1: { type: 'string', value: 'ALPHA', help: 'L1 penalty ALPHA·‖W‖₁ on the weights (exact zeros)' },
  'elastic-net': { type: 'string', value: 'ALPHA[:RATIO]', help: "elastic-net penalty ALPHA·(RATIO·‖W‖₁ + (1−RATIO)/2·‖W‖²), scikit-learn's (RATIO default 0.15)" },
  'clip-norm': { type: 'string', value: 'C', help: 'clip each gradient to global L2 norm ≤ C' },
  validation: { type: 'string', value: 'F', help: 'hold out this fraction of the training rows (seeded by --seed) as a validation set, scored every epoch' },
  'early-stopping': { type: 'string', value: 'PATIENCE', help: "hold out a validation set (--validation F, default 0.1 of the training rows) and stop after PATIENCE epochs without the VALIDATION loss improving, keeping the best epoch's parameters (the usual choice; --early-stop watches the training loss instead)" },
};

function scheduleError(command: string, s: string, why: string): UsageError {
  return new UsageError(`descent ${command}: --schedule ${JSON.stringify(s.length > 60 ? s.slice(0, 57) + '…' : s)}: ${why}; the forms are ${SCHEDULE_SYNTAX}`);
}

/** Parses --schedule SPEC. */
export function scheduleFromFlag(command: string, spec: string): ScheduleOptions {
  const parts = spec.trim().split(':');
  const name = parts[0].toLowerCase();
  const num = (i: number, what: string, range: { gt?: number; min?: number; max?: number; integer?: boolean } = {}): number | undefined => {
    if (parts[i] === undefined || parts[i] === '') return undefined;
    try {
      return numberFlag(command, 'schedule', parts[i], 0, range);
    } catch {
      throw scheduleError(command, spec, `${what} must be ${range.integer ? 'a positive integer' : 'a number in range'}, got ${JSON.stringify(parts[i])}`);
    }
  };
  const max = { constant: 1, cosine: 3, step: 3, multistep: 3, exponential: 2, invscaling: 2, onecycle: 2, plateau: 3 }[name];
  if (max === undefined) throw scheduleError(command, spec, `unknown schedule ${JSON.stringify(parts[0])}`);
  if (parts.length > max) throw scheduleError(command, spec, `${name} takes at most ${max - 1} value${max === 2 ? '' : 's'}`);
  const put = <T extends object>(o: T, extra: Record<string, number | undefined>): T => {
    for (const [k, val] of Object.entries(extra)) if (val !== undefined) (o as Record<string, unknown>)[k] = val;
    return o;
  };
  switch (name) {
    case 'constant': return { name: 'constant' };
    case 'cosine': return put({ name: 'cosine' }, { t0: num(1, 'T0', { integer: true, min: 1 }), etaMin: num(2, 'ETA_MIN', { min: 0 }) });
    case 'step': {
      const stepSize = num(1, 'EPOCHS', { integer: true, min: 1 });
      if (stepSize === undefined) throw scheduleError(command, spec, 'step needs its period, e.g. step:10:0.5');
      return put({ name: 'step', stepSize }, { gamma: num(2, 'GAMMA', { gt: 0, max: 1 }) });
    }
    case 'multistep': {
      const ms = (parts[1] ?? '').split(',').filter(Boolean).map((p) => Number(p));
      if (!ms.length || ms.some((m, i) => !Number.isInteger(m) || m < 0 || (i > 0 && m <= ms[i - 1]))) {
        throw scheduleError(command, spec, 'multistep needs increasing epoch numbers, e.g. multistep:10,20:0.1');
      }
      return put({ name: 'multiStep', milestones: ms }, { gamma: num(2, 'GAMMA', { gt: 0, max: 1 }) });
    }
    case 'exponential': {
      const gamma = num(1, 'GAMMA', { gt: 0, max: 1 });
      if (gamma === undefined) throw scheduleError(command, spec, 'exponential needs its factor, e.g. exponential:0.95');
      return { name: 'exponential', gamma };
    }
    case 'invscaling': return put({ name: 'invScaling' }, { powerT: num(1, 'POWER', { min: 0 }) });
    case 'onecycle': return put({ name: 'oneCycle' }, { maxLr: num(1, 'MAX_LR', { gt: 0 }) });
    default: return put({ name: 'plateau' }, { factor: num(1, 'FACTOR', { gt: 0, max: 0.999999 }), patience: num(2, 'PATIENCE', { integer: true, min: 0 }) });
  }
}

/** The toolkit's TrainOptions fields from the flags. */
export function toolkitFromFlags(command: string, v: Parsed['values']): Partial<TrainOptions> {
  const o: Partial<TrainOptions> = {};
  // Cosine decay is the default: a constant rate leaves Adam at its noise floor (diabetes: R² 0.49 instead of 0.52).
  o.schedule = v.schedule !== undefined ? scheduleFromFlag(command, String(v.schedule)) : { name: 'cosine' };
  if (v.l1 !== undefined && v['elastic-net'] !== undefined) throw new UsageError(`descent ${command}: --l1 and --elastic-net contradict each other (--elastic-net already has an L1 part)`);
  if (v.l1 !== undefined) {
    o.penalty = 'l1';
    o.alpha = numberFlag(command, 'l1', v.l1, 0, { min: 0 });
  }
  if (v['elastic-net'] !== undefined) {
    const [a, r] = String(v['elastic-net']).split(':');
    o.penalty = 'elasticnet';
    o.alpha = numberFlag(command, 'elastic-net', a, 0, { min: 0 });
    if (r !== undefined) o.l1Ratio = numberFlag(command, 'elastic-net', r, 0.15, { min: 0, max: 1 });
  }
  if (v['clip-norm'] !== undefined) o.clipNorm = numberFlag(command, 'clip-norm', v['clip-norm'], 0, { gt: 0 });
  if (v.validation !== undefined) o.validationFraction = numberFlag(command, 'validation', v.validation, 0.1, { gt: 0, max: 0.9 });
  if (v['early-stopping'] !== undefined) {
    if (v['early-stop'] !== undefined) {
      throw new UsageError(`descent ${command}: --early-stop (training-loss tolerance) and --early-stopping (validation patience) contradict each other; choose one`);
    }
    o.patience = numberFlag(command, 'early-stopping', v['early-stopping'], 5, { integer: true, min: 1 });
    o.restoreBest = true;
    o.validationFraction ??= 0.1;
  }
  return o;
}
