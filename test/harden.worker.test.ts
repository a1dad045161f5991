// Issue 16, classes 3 and 7 in the worker: the host checks every message its worker sends (null, a string,
// an unknown type, a malformed ready/progress/result/error) and rejects with a typed DescentError instead
// of an uncaught TypeError or a result of `{}`; the job's options must be plain data (a function, a symbol,
// a Dataset are HyperParameterErrors, not DataCloneErrors); targets and starting parameters follow the
// data rule synchronously, as x does; the worker refuses a malformed start message with a typed error.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Worker } from 'node:worker_threads';
import { init, Dataset, DataError, DescentError, HyperParameterError } from '../src/index.ts';
import { trainInWorker } from '../src/worker/node.ts';
import { runJob } from '../src/worker/runner.ts';
import type { FromWorker } from '../src/worker/protocol.ts';
import { BACKENDS } from './_util.ts';

const DATA = { x: [[0, 1], [1, 0], [1, 1], [0, 0]], y: [1, 0, 1, 0] };

/** A fake worker that answers the start message with `reply` (a JS expression evaluated in the worker). */
function liar(reply: string): () => Worker {
  return () => new Worker(`const { parentPort } = require('node:worker_threads');
parentPort.once('message', () => { for (const m of [${reply}]) parentPort.postMessage(m); });`, { eval: true });
}

const READY = "{ type: 'ready', info: { name: 'js', simdSupported: false, sha256: null, memoryBytes: 0 }, rows: { train: 4, test: 0 } }";

const LIES: [string, string][] = [
  ['null', 'null'],
  ['a string', "'done'"],
  ['an unknown type', "{ type: 'finished' }"],
  ['ready without info', "{ type: 'ready' }"],
  ['ready with a bogus backend', "{ type: 'ready', info: { name: 'gpu' }, rows: { train: 1, test: 0 } }"],
  ['an empty result', `${READY}, { type: 'result', result: {} }`],
  ['a result with params of the wrong size', `${READY}, { type: 'result', result: { params: new Float32Array(2), history: [], stopReason: 'epochs', epochs: 0, steps: 0, ms: 0, backend: 'js', rows: { train: 4, test: 0 } } }`],
  ['progress without params', "{ type: 'progress', records: [] }"],
  ['a batch event of strings', "{ type: 'batch', event: { epoch: '1' } }"],
  ['an error without a message', "{ type: 'error', error: null }"],
];

for (const [label, reply] of LIES) {
  test(`a worker sending ${label} rejects with a typed E_WORKER error`, async () => {
    const run = trainInWorker({ data: DATA, model: 'logistic', train: { epochs: 1 } }, { worker: liar(reply) });
    const e = await run.result.then(() => null, (err: unknown) => err);
    assert.ok(e instanceof DescentError, String(e));
    assert.is((e as DescentError).code, 'E_WORKER');
    assert.ok((e as Error).message.length < 400);
    await run.ready.catch(() => undefined);
  });
}

test('a worker that dies or throws a plain error still rejects with a DescentError', async () => {
  const crash = () => new Worker("require('node:worker_threads').parentPort.once('message', () => { throw new RangeError('boom'); });", { eval: true });
  const e = await trainInWorker({ data: DATA, model: 'logistic' }, { worker: crash }).result.then(() => null, (err: unknown) => err);
  assert.ok(e instanceof DescentError && /boom/.test((e as Error).message), String(e));
  const plain = liar("{ type: 'error', error: { name: 'RangeError', message: 'offset out of bounds' } }");
  const e2 = await trainInWorker({ data: DATA, model: 'logistic' }, { worker: plain }).result.then(() => null, (err: unknown) => err);
  assert.ok(e2 instanceof DescentError && (e2 as DescentError).code === 'E_WORKER' && /RangeError/.test((e2 as Error).message), String(e2));
});

test('options that cannot cross into a worker are HyperParameterErrors naming the option, thrown synchronously', async () => {
  await init({ backend: 'js' });
  const ds = Dataset.fromArrays([[1]], [0]);
  const cases: [string, object, string][] = [
    ['a function in the optimizer', { optimizer: { name: 'sgd', lr: () => 0.1 } }, 'train.optimizer.lr'],
    ['a function in a schedule', { schedule: { name: 'step', stepSize: 1, gamma: () => 1 } }, 'train.schedule.gamma'],
    ['a symbol', { seed: Symbol('s') }, 'train.seed'],
    ['a Dataset as resume', { resume: ds }, 'train.resume'],
    ['a bigint', { epochs: 3n }, 'train.epochs'],
  ];
  for (const [label, train, param] of cases) {
    assert.throws(() => trainInWorker({ data: DATA, model: 'logistic', train: train as never }),
      (e: unknown) => e instanceof HyperParameterError && e.param === param, label);
  }
  ds.dispose();
});

test('targets and starting parameters follow the data rule before a worker starts', () => {
  for (const v of [null, '', '1', true, [5], 1e39, NaN]) {
    assert.throws(() => trainInWorker({ data: { x: DATA.x, y: [1, 0, v as number, 0] }, model: 'logistic' }),
      (e: unknown) => e instanceof DataError && e.row === 2 && e.column === 2, `y ${String(v)}`);
    assert.throws(() => trainInWorker({ data: { x: [[0, 1], [1, v as number], [1, 1], [0, 0]], y: DATA.y }, model: 'logistic' }),
      (e: unknown) => e instanceof DataError && e.row === 1 && e.column === 1, `x ${String(v)}`);
    assert.throws(() => trainInWorker({ data: DATA, model: 'logistic', params: [0, v as number, 0] }),
      (e: unknown) => e instanceof DataError && e.column === 1, `params ${String(v)}`);
  }
  assert.throws(() => trainInWorker({ data: { x: new BigInt64Array(4) as never, y: [0, 1], features: 2 }, model: 'logistic' }),
    (e: unknown) => e instanceof DataError);
});

test('the worker side refuses a malformed start message with a typed error', async () => {
  for (const msg of [null, 'start', { type: 'start' }, { type: 'start', job: { x: [1], y: [0], features: 1 } }, { type: 'stop' }]) {
    const out: FromWorker[] = [];
    await runJob(msg as never, (m) => out.push(m));
    assert.is(out.length, 1);
    const m = out[0];
    assert.ok(m.type === 'error' && m.error.code === 'E_WORKER', JSON.stringify(m));
  }
});

for (const b of BACKENDS) {
  test(`${b}: a well-formed job still trains in a worker`, async () => {
    const r = await trainInWorker({ data: DATA, model: 'logistic', backend: b, train: { epochs: 3, batch: 2 } }).result;
    assert.is(r.backend, b);
    assert.is(r.params.length, 3);
  });
}

test.run();
