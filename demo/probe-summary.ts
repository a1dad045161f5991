// The page footer's line on the last run's main-thread responsiveness, written by every section's run (tabular,
// CNN, text). Apart from probe.ts, which starts its frame and timer loops when loaded.

/** The footer line for a probe's figures (see probe.ts). */
export function probeSummary(p: { maxGap: number; maxGapTraining: number }): string {
  return `main thread during the last run: longest gap between frames/timers ` +
    `${p.maxGapTraining.toFixed(1)} ms while training (${p.maxGap.toFixed(1)} ms including worker start-up)`;
}
