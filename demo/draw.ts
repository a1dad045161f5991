// The drawing canvas of the CNN section: white ink on black (MNIST's colours, so no inversion), drawn with
// pointer events (mouse, pen, touch). While a stroke goes on, the probabilities follow at most once per
// animation frame; at the end of a stroke they are recomputed at once. The prediction itself runs in the
// page (imageToRow + the page's copy of the network's predictProba): a 28×28 forward pass is a fraction of
// a millisecond, and a round trip to a worker busy training would wait for its current run of batches.
import { imageToRow, type ImageRowOptions } from '../src/index.js';

/** How the page turns the drawing into probabilities: null while no model is available. */
export type Predict = (row: Float32Array) => Float64Array | null;

/** What the tests read: every update's timing and the latest probabilities. */
export interface DrawStats {
  updates: number;
  /** Milliseconds of imageToRow + predictProba, per update. */
  predictMs: number[];
  /** Milliseconds from the pointer event to the bars updated (same task), per update. */
  eventToBarsMs: number[];
  probs: number[] | null;
}

const INK_WIDTH = 20;

/** Wires the canvas, the Clear button and the bars; `predict` is looked up at each update. */
export function setupDrawing(canvas: HTMLCanvasElement, bars: HTMLElement, clear: HTMLButtonElement, info: HTMLElement,
  predict: () => Predict | null, rowOptions: ImageRowOptions): { stats: DrawStats; refresh(): void } {
  const g = canvas.getContext('2d', { willReadFrequently: true })!;
  const stats: DrawStats = { updates: 0, predictMs: [], eventToBarsMs: [], probs: null };
  const wipe = () => {
    g.fillStyle = '#000';
    g.fillRect(0, 0, canvas.width, canvas.height);
  };
  wipe();
  let inked = false;

  const cells: { row: HTMLElement; bar: HTMLElement; v: HTMLElement }[] = [];
  for (let k = 0; k < 10; k++) {
    const row = document.createElement('div');
    row.className = 'prob';
    row.innerHTML = `<b>${k}</b><div class="bar"><span style="width:0%"></span></div><span class="v">—</span>`;
    bars.append(row);
    cells.push({ row, bar: row.querySelector('.bar span') as HTMLElement, v: row.querySelector('.v') as HTMLElement });
  }

  const update = (eventTime: number) => {
    const p = predict();
    if (!p || !inked) {
      for (const c of cells) {
        c.bar.style.width = '0%';
        c.v.textContent = '—';
        c.row.classList.remove('top');
      }
      stats.probs = null;
      bars.dataset.values = '';
      return;
    }
    const t0 = performance.now();
    const probs = p(imageToRow(canvas, rowOptions));
    const t1 = performance.now();
    if (!probs) return;
    let top = 0;
    for (let k = 1; k < 10; k++) if (probs[k] > probs[top]) top = k;
    cells.forEach((c, k) => {
      c.bar.style.width = `${(100 * probs[k]).toFixed(1)}%`;
      c.v.textContent = probs[k].toFixed(3);
      c.row.classList.toggle('top', k === top);
    });
    stats.updates++;
    stats.predictMs.push(t1 - t0);
    stats.eventToBarsMs.push(performance.now() - eventTime);
    stats.probs = Array.from(probs);
    bars.dataset.values = JSON.stringify(stats.probs);
    bars.dataset.updates = String(stats.updates);
    bars.dataset.top = String(top);
    info.textContent = `Prediction ${top} (${(100 * probs[top]).toFixed(1)}%): image to row and forward pass took ${(t1 - t0).toFixed(2)} ms on the page.`;
  };

  let drawing = false;
  let last: [number, number] = [0, 0];
  let pending = false;
  let pendingTime = 0;
  const at = (e: PointerEvent): [number, number] => {
    const r = canvas.getBoundingClientRect();
    return [((e.clientX - r.left) * canvas.width) / r.width, ((e.clientY - r.top) * canvas.height) / r.height];
  };
  const line = (a: [number, number], b: [number, number]) => {
    g.strokeStyle = '#fff';
    g.lineWidth = INK_WIDTH;
    g.lineCap = 'round';
    g.lineJoin = 'round';
    g.beginPath();
    g.moveTo(a[0], a[1]);
    g.lineTo(b[0], b[1]);
    g.stroke();
    inked = true;
  };
  const schedule = (e: Event) => {
    // While drawing, once per frame: pointermove fires faster than the screen refreshes.
    pendingTime = e.timeStamp;
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      update(pendingTime);
    });
  };
  canvas.addEventListener('pointerdown', (e) => {
    drawing = true;
    canvas.setPointerCapture(e.pointerId);
    last = at(e);
    line(last, last);
    schedule(e);
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!drawing) return;
    const p = at(e);
    line(last, p);
    last = p;
    schedule(e);
  });
  const end = (e: PointerEvent) => {
    if (!drawing) return;
    drawing = false;
    update(e.timeStamp);
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  clear.addEventListener('click', () => {
    wipe();
    inked = false;
    update(performance.now());
    info.textContent = 'Draw with the mouse or a finger; the probabilities follow every stroke.';
  });
  return { stats, refresh: () => update(performance.now()) };
}
