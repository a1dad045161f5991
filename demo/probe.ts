// How responsive the page stays while workers train: the gaps between animation frames and timer ticks.
/**
 * Watches the main thread while training: a requestAnimationFrame loop and a 10 ms timer record the gaps
 * between their callbacks. `maxGap` covers the whole run from the click (worker start-up included);
 * `maxGapTraining` only the time after the first progress event, when a worker is busy training.
 */
export const probe = {
  active: false,
  t0: 0,
  trainingFrom: Infinity,
  lastFrame: 0,
  lastTimer: 0,
  frames: 0,
  /** Every gap over 20 ms: [end, ms since start; gap, ms; 'frame' | 'timer']. */
  gaps: [] as [number, number, 'frame' | 'timer'][],
  maxFrameGap: 0,
  maxTimerGap: 0,
  start() {
    this.t0 = this.lastFrame = this.lastTimer = performance.now();
    this.trainingFrom = Infinity;
    this.frames = this.maxFrameGap = this.maxTimerGap = 0;
    this.gaps = [];
    this.active = true;
  },
  /** Marks the moment a worker reported its first epoch. */
  training() {
    if (this.active && this.trainingFrom === Infinity) this.trainingFrom = performance.now() - this.t0;
  },
  stop() {
    this.active = false;
  },
  record(now: number, gap: number, kind: 'frame' | 'timer') {
    if (kind === 'frame') {
      this.frames++;
      this.maxFrameGap = Math.max(this.maxFrameGap, gap);
    } else this.maxTimerGap = Math.max(this.maxTimerGap, gap);
    if (gap > 20) this.gaps.push([now - this.t0, gap, kind]);
  },
  get maxGap(): number {
    return Math.max(this.maxFrameGap, this.maxTimerGap);
  },
  get maxGapTraining(): number {
    let m = 0;
    for (const [end, gap] of this.gaps) if (end >= this.trainingFrom) m = Math.max(m, gap);
    return m;
  },
};
function frame(now: number): void {
  if (probe.active) probe.record(now, now - probe.lastFrame, 'frame');
  probe.lastFrame = now;
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);
setInterval(() => {
  const now = performance.now();
  if (probe.active) probe.record(now, now - probe.lastTimer, 'timer');
  probe.lastTimer = now;
}, 10);
