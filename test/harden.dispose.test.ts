// Issue 16, class 5: forgetting dispose(). Objects dropped in a loop that yields to the event loop are
// freed by the FinalizationRegistry (the 20,000-cycle bound is measured by scripts/no-dispose.mjs, not
// here: it depends on when the engine collects); past a threshold of live blocks in one backend, descent warns once, naming the
// allocation site, because a synchronous loop never gives the registry a chance to run.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, Dataset } from '../src/index.ts';
import { setUndisposedWarning, UNDISPOSED_WARN_BYTES } from '../src/runtime/block.ts';
import { BACKENDS } from './_util.ts';

for (const b of BACKENDS) {
  test(`${b}: one warning with the allocation site once undisposed blocks pass the threshold`, async () => {
    await init({ backend: b });
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => void warnings.push(args.join(' '));
    const kept: { dispose(): void }[] = [];
    try {
      setUndisposedWarning(256 * 1024);
      for (let i = 0; i < 40; i++) {
        const ds = Dataset.fromArrays(new Float32Array(2048), new Float32Array(256), { features: 8 });
        kept.push(ds);
      }
    } finally {
      console.warn = warn;
      setUndisposedWarning(UNDISPOSED_WARN_BYTES);
      for (const o of kept) o.dispose();
    }
    assert.is(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0], /not disposed/);
    assert.match(warnings[0], /dispose\(\)/);
    assert.match(warnings[0], /harden\.dispose\.test/);
  });
}

test.run();
