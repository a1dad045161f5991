// The Node worker script bundled once per suite from the same sources (starting a worker through tsx costs about
// a second per worker on a busy machine), for the suites that run trainInWorker.
import type { Test } from 'uvu';
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { trainInWorker, type WorkerJob, type NodeTrainInWorkerOptions, type WorkerTraining } from '../src/worker/node.js';

/**
 * Registers on `suite` a `before` hook that bundles src/worker/node-worker.ts into a temporary folder (named
 * after `name`) and an `after` hook that removes it; returns trainInWorker with that script as its worker.
 */
export function bundledWorker(suite: Test, name: string): (job: WorkerJob, o?: NodeTrainInWorkerOptions) => WorkerTraining {
  const tmp = mkdtempSync(join(tmpdir(), `descent-${name}-`));
  let script: URL | undefined;
  suite.before(async () => {
    await build({ entryPoints: ['src/worker/node-worker.ts'], outfile: join(tmp, 'node-worker.mjs'), bundle: true, platform: 'node', format: 'esm', logLevel: 'error' });
    script = pathToFileURL(join(tmp, 'node-worker.mjs'));
  });
  suite.after(() => rmSync(tmp, { recursive: true, force: true }));
  return (job, o = {}) => trainInWorker(job, { worker: script, ...o });
}
