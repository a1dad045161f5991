// The demo's pre-filled hyper-parameters are accepted by every registered optimizer (a typo in a key would
// otherwise only show up as an error in the page).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { optimizerNames } from '../src/index.js';
import { resolveOptimizer } from '../src/optim/index.js';
import { HYPER_DEFAULTS, hyperText } from '../demo/hyper.js';

test('every optimizer in optimizerNames accepts the JSON the demo pre-fills', () => {
  for (const name of optimizerNames) {
    const extra = JSON.parse(hyperText(name));
    resolveOptimizer({ ...extra, name, lr: 0.01 } as never);
  }
});

test('the demo only pre-fills rules descent knows', () => {
  for (const name of Object.keys(HYPER_DEFAULTS)) assert.ok((optimizerNames as string[]).includes(name), name);
});

test.run();
