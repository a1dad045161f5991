// The demo's threads selectors (network section and CNN section): 1 … navigator.hardwareConcurrency threads
// for train: { threads } in the training worker, and a line with the worker's backendInfo().threads and the
// threads each run used (a batch of fewer blocks than threads uses fewer; see docs/threads.md).
import type { BackendInfo } from '../src/index.js';
import type { WorkerTrainResult } from '../src/worker/index.js';

/** One selector and its info line. */
export interface ThreadsControl {
  /** The `train` options to add: `{ threads }` when more than one is chosen, else nothing. */
  option(): { threads?: number };
  /** The training worker is ready: shows whether threads can run there, or why not. */
  ready(info: BackendInfo): void;
  /** Runs ended: shows the threads each used (label → result). */
  done(runs: { label: string; result: WorkerTrainResult | null }[]): void;
}

function control(selectId: string, infoId: string): ThreadsControl {
  const select = document.getElementById(selectId) as HTMLSelectElement;
  const info = document.getElementById(infoId) as HTMLSpanElement;
  const cores = Math.max(1, navigator.hardwareConcurrency || 1);
  for (let n = 1; n <= cores; n++) {
    const o = document.createElement('option');
    o.value = o.textContent = String(n);
    select.append(o);
  }
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  info.textContent = isolated ? `up to ${cores}` : 'the page is not cross-origin isolated: 1';
  const chosen = () => Number(select.value) || 1;
  return {
    option: () => (chosen() > 1 ? { threads: chosen() } : {}),
    ready(i) {
      info.dataset.available = String(i.threads.available);
      info.textContent = i.threads.available ? `available in the worker (up to ${cores})` : `unavailable: ${i.threads.reason}`;
    },
    done(runs) {
      if (chosen() <= 1) return;
      info.textContent = 'used: ' + runs.map(({ label, result }) => {
        const t = result?.threads;
        return `${label} ${t ? `${t.used} of ${t.requested}${t.reason ? ` (${t.reason})` : ''}` : '—'}`;
      }).join('; ');
      info.dataset.used = runs.map((r) => r.result?.threads?.used ?? 0).join(',');
    },
  };
}

/** The selector of the network / tabular section. */
export const tableThreads = control('threads', 'threads-info');
/** The selector of the CNN section. */
export const cnnThreads = control('cnn-threads', 'cnn-threads-info');
