// What a suite does when it cannot run (no Chromium, no dist/, a devDependency not installed): it says so in one
// marker line, `SKIPPED: <what>: <reason>`, which scripts/run-tests.mjs counts into its final
// "N passed, N failed, N skipped" line — a skip never passes silently. Under CI=true nothing may be missing
// (CI installs Chromium, builds dist/ and installs the devDependencies), so the same call fails instead, with a
// message naming what is missing. uvu's own test.skip cannot carry a reason nor be decided inside a running test,
// hence this marker.
import type { Test } from 'uvu';

/** The start of the line scripts/run-tests.mjs counts as one skip. */
export const SKIP_MARKER = 'SKIPPED: ';

/** True under `CI=true` (or `CI=1`): a suite that cannot run fails the run there. */
export function isCI(): boolean {
  return process.env.CI === 'true' || process.env.CI === '1';
}

/** The message of a skip that CI turns into a failure. */
function ciFailure(what: string, reason: string): Error {
  return new Error(`${what} cannot run under CI=true: ${reason}`);
}

/**
 * At a test file's top level: `what` (the whole file, or some of its tests) cannot run, so none of its tests are
 * registered. Prints the marker line; under CI=true registers one test named `what` that fails with `reason`.
 */
export function skipSuite(test: Test, what: string, reason: string): void {
  if (isCI()) {
    test(`${what} (cannot run)`, () => {
      throw ciFailure(what, reason);
    });
  } else {
    console.log(`${SKIP_MARKER}${what}: ${reason}`);
  }
}

/**
 * Inside a running test: the rest of it (`what`) cannot run; return right after the call. Prints the marker line;
 * under CI=true throws, which fails the test with `reason`.
 */
export function skipRest(what: string, reason: string): void {
  if (isCI()) throw ciFailure(what, reason);
  console.log(`${SKIP_MARKER}${what}: ${reason}`);
}

/**
 * Registers test `name` when `missing` is undefined; otherwise skips it as {@link skipSuite} does, with `missing`
 * as the reason. For a file whose tests need different things (dist/, Chromium, an optional package).
 */
export function testOrSkip(test: Test, name: string, missing: string | undefined, fn: () => void | Promise<void>): void {
  if (missing === undefined) test(name, fn);
  else skipSuite(test, name, missing);
}

/** The reason a test that reads the built package cannot run. */
export const NO_DIST = 'dist/ is not built (npm test builds it; run `npm run build`)';
