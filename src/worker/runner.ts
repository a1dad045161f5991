// The worker side of trainInWorker, independent of the host: a Web Worker and a Node worker_threads
// Worker both feed it the `start` message and give it a `post` function. It runs train() itself, so a
// worker run is the same computation as a direct call (same seed → same bits).
import { init } from '../runtime/index.js';
import { Dataset } from '../data/dataset.js';
import type { SparseDataset } from '../data/dataset.js';
import type { Model } from '../models/linear/model.js';
import { Network } from '../models/network/network.js';
import { linear } from '../models/linear/families.js';
import { logistic } from '../models/linear/families.js';
import { softmax } from '../models/linear/families.js';
import { Trainer, type EpochRecord, type TrainResult } from '../training/train.js';
import { checkJobMessage } from './messages.js';
import { backend } from '../runtime/index.js';
import { threadHost } from '../backends/thread-host.js';
import { sharedWasm } from '../backends/wasm.js';
import { planThreads, threadsUnavailable, type ThreadPool } from '../threads/pool.js';
import { serializeError, type FromWorker, type Job, type ToWorker, type WorkerTrainResult } from './protocol.js';

/** Rows per run of batches between progress checks in the worker. */
const BATCH_ROWS = 4096;

/** Sends a message to the handle, transferring the given buffers. */
export type Post = (msg: FromWorker, transfer: ArrayBuffer[]) => void;

function buildModel(job: Job): Model | Network {
  if (job.model.kind === 'sequential') return new Network(job.model.options);
  const { kind, classes } = job.model;
  if (kind === 'softmax') return softmax({ features: job.features, classes: classes as number });
  if (kind === 'logistic') return logistic({ features: job.features });
  return linear({ features: job.features });
}

/** A dataset of the job's arrays: dense, or sparse when the CSR structure came with the values (x). */
function makeSet(x: Float32Array, y: Float32Array, features: number, csr: Job['csr']): Dataset {
  return csr ? Dataset.fromSparse({ indptr: csr.indptr, indices: csr.indices, values: x }, y, { features }) : Dataset.fromArrays(x, y, { features });
}

/** Runs one job to completion; never throws (errors become an `error` message). */
export async function runJob(msg: ToWorker, post: Post): Promise<void> {
  const owned: { dispose(): void }[] = [];
  let prepared = false;
  try {
    checkJobMessage(msg);
    const { job } = msg;
    const stopFlag = msg.control ? new Int32Array(msg.control) : null;
    const info = await init(job.backend ? { backend: job.backend } : {});

    const all = makeSet(job.x, job.y, job.features, job.csr);
    owned.push(all);
    let trainSet = all;
    let testSet: Dataset | undefined;
    if (job.split) {
      const s = all.split(job.split);
      owned.push(s.train, s.test);
      trainSet = s.train;
      testSet = s.test;
    } else if (job.test) {
      testSet = makeSet(job.test.x, job.test.y, job.features, job.testCsr);
      owned.push(testSet);
    }
    let valSet: Dataset | undefined;
    if (job.validation) {
      valSet = makeSet(job.validation.x, job.validation.y, job.features, job.validationCsr);
      owned.push(valSet);
    }
    // Standardization is train()'s (job.train.standardize): the model fits and carries it, and applies it
    // to the raw test set and predictions below, as an in-process train() + evaluate would.
    const model = buildModel(job);
    owned.push(model);
    if (job.initialParams) model.setParams(job.initialParams);
    post({ type: 'ready', info, rows: { train: trainSet.rows, test: testSet?.rows ?? 0 } }, []);

    // Progress: records are batched and posted at most every progressMs, each post with a parameter
    // snapshot (so a handle that has to terminate the worker still returns the parameters so far).
    let pending: EpochRecord[] = [];
    let lastPost = -Infinity;
    const flush = () => {
      if (pending.length === 0) return;
      const params = model.params;
      post({ type: 'progress', records: pending, params }, [params.buffer as ArrayBuffer]);
      pending = [];
      lastPost = performance.now();
    };
    let stopped = stopFlag !== null && Atomics.load(stopFlag, 0) !== 0;
    const stopRequested = () => {
      if (stopFlag !== null && Atomics.load(stopFlag, 0) !== 0) stopped = true;
      return stopped;
    };
    // Threads: a host whose workers cannot start while this thread blocks in train() (Web Workers) starts
    // them now, idle, and the pool takes them (src/threads/browser-host.ts).
    const requested = job.train.threads ?? 1;
    const why = requested > 1 ? threadsUnavailable(backend(), model) : null;
    const host = threadHost();
    const shared = sharedWasm(backend());
    if (requested > 1 && why === null && host?.prepare && shared && !stopped) {
      // As many as the pool will take: the request clamped to the blocks of one batch (validation rows
      // held out make batch 'full' smaller, never larger, so this may prepare one too many, never too few).
      const b = job.train.batch;
      const rows = b === 'full' ? trainSet.rows : b === 'stochastic' ? 1 : b ?? Math.min(32, trainSet.rows);
      prepared = true;
      await host.prepare(shared.module, shared.memory, planThreads(requested, model, rows).threads - 1);
    }
    let used = 1;
    let r: TrainResult;
    let cut = false; // stop() between runs of batches, before the run was done
    if (stopped) {
      r = { history: [], stopReason: 'callback', epochs: 0, steps: 0, ms: 0, backend: model.paramsBlock.backend.name };
    } else {
      const trainer = new Trainer(model, trainSet, {
        ...job.train,
        ...(valSet ? { validation: valSet } : {}),
        onEpoch(rec) {
          pending.push(rec);
          if (performance.now() - lastPost >= job.progressMs) flush();
          return stopRequested() ? false : undefined;
        },
      });
      owned.push(trainer);
      // Runs of about BATCH_ROWS rows between looks at the clock, for a batch event at most every
      // progressMs. Splitting the run does not change the arithmetic (Trainer.step resumes to the bit; sparse
      // data's lazily scaled weights carry on from run to run, src/training/lazy.ts),
      // so the result equals train()'s. stop() is honoured at epoch boundaries (onEpoch) and between runs.
      const most = Math.max(1, Math.floor(BATCH_ROWS * trainer.batchesPerEpoch / trainSet.rows));
      used = trainer.threadsUsed;
      if (prepared) host?.release?.(); // the pool has taken the workers it uses
      let per = 1; // doubled while runs are fast: the first run must not be a whole training of slow batches
      let lastBatch = performance.now();
      while (!trainer.done) {
        const t0 = performance.now();
        trainer.step(per);
        // Slow batches (a convolutional network: tens of ms each) get shorter runs, so that batch events
        // still come about every progressMs; fast ones go back up to `most` rows' worth per run.
        const took = performance.now() - t0;
        if (took > 2 * job.progressMs && per > 1) per = Math.max(1, Math.floor((per * job.progressMs) / took));
        else if (took < job.progressMs / 4 && per < most) per = Math.min(most, per * 2);
        if (job.fault && trainer.steps >= job.fault.afterSteps) {
          (trainer as unknown as { pool: ThreadPool | null }).pool?.injectFault(job.fault.thread);
          job.fault = undefined;
        }
        // stop() is also honoured between runs of batches (about progressMs each), not only at epoch
        // boundaries: a long epoch on threads would otherwise keep every thread busy after stop().
        if (trainer.done) break;
        if (stopRequested()) {
          cut = true;
          break;
        }
        const part = trainer.partialEpoch;
        const now = performance.now();
        if (part && now - lastBatch >= job.progressMs) {
          lastBatch = now;
          post({ type: 'batch', event: {
            epoch: trainer.epoch + 1, batch: trainer.batchInEpoch, batches: trainer.batchesPerEpoch,
            steps: trainer.steps, loss: part.loss, lr: part.lr, ms: trainer.result().ms,
          } }, []);
        }
      }
      r = trainer.result();
      // The pool's threads end here, before the evaluation below: stop() ends them as soon as it can.
      trainer.dispose();
    }
    flush();

    const params = model.params;
    const result: WorkerTrainResult = {
      params,
      history: r.history,
      stopReason: cut || (stopped && r.stopReason === 'callback') ? 'stopped' : r.stopReason,
      epochs: r.epochs,
      steps: r.steps,
      ms: r.ms,
      backend: model.paramsBlock.backend.name,
      rows: { train: trainSet.rows, test: testSet?.rows ?? 0 },
      threads: { requested, used, reason: why ?? (used < requested ? `${used} thread(s): a batch holds ${used} block(s) (docs/threads.md)` : null) },
      train: model.evaluate(trainSet),
    };
    if (r.divergedAt !== undefined) result.divergedAt = r.divergedAt;
    if ('state' in r && r.state !== undefined) result.state = r.state;
    const transfer: ArrayBuffer[] = [params.buffer as ArrayBuffer];
    const running = model instanceof Network ? model.statsBlock : null;
    if (running) {
      const copy = running.view.slice();
      result.runningStats = copy;
      transfer.push(copy.buffer as ArrayBuffer);
    }
    if (testSet) {
      result.test = model.evaluate(testSet);
      if (job.predictions) {
        result.predictions = testSet.sparse ? (model as Model).predict((testSet as SparseDataset).csr) : model.predict(testSet.x);
        transfer.push(result.predictions.buffer as ArrayBuffer);
      }
    }
    const pre = model.preprocessing;
    if (pre) {
      const stats = { mean: pre.mean.slice(), std: pre.std.slice() };
      result.stats = stats;
      transfer.push(stats.mean.buffer as ArrayBuffer, stats.std.buffer as ArrayBuffer);
    }
    result.model = model.toJSON();
    post({ type: 'result', result }, transfer);
  } catch (e) {
    post({ type: 'error', error: serializeError(e) }, []);
  } finally {
    if (prepared) threadHost()?.release?.();
    for (const o of owned.reverse()) {
      try {
        o.dispose();
      } catch {
        // already freed
      }
    }
  }
}
