// The idle worker crews (src/threads/crew.ts) and what the public API says about them: how long an idle crew
// waits for a run (THREAD_IDLE_MS) and disposeThreads(). Kept apart from crew.ts so that the public types name
// no WebAssembly type (a Node consumer compiles without the DOM library).

/** How long the worker threads a run leaves idle wait for the next run before they quit (ms). */
export const THREAD_IDLE_MS = 10_000;

let idleMs = THREAD_IDLE_MS;

/** The current idle timeout (ms). */
export function threadIdleMs(): number {
  return idleMs;
}

/** @internal Tests: a shorter (or longer) idle timeout; null = {@link THREAD_IDLE_MS}. */
export function setThreadIdleMs(ms: number | null): void {
  idleMs = ms ?? THREAD_IDLE_MS;
}

/** An idle crew, as this module sees it. */
export interface IdleCrew {
  /** Ends its workers and frees its block. */
  quit(): boolean;
}

/** Idle crews, at most one per (shared module, thread count); crew.ts adds and takes them. */
export const idleCrewSet = new Set<IdleCrew>();

/**
 * Ends the worker threads that finished runs keep for the next one (they would quit after THREAD_IDLE_MS
 * anyway); runs under way keep theirs.
 */
export function disposeThreads(): void {
  for (const c of [...idleCrewSet]) c.quit();
}

/** @internal Idle crews (tests). */
export function idleCrews(): number {
  return idleCrewSet.size;
}
