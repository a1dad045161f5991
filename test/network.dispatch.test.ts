// The layer dispatch: one switch over the layer codes of abi.json in each backend's network runner
// (generated, checked in), whose default refuses a code no kind owns — it never runs another layer's kernel.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { init, sequential, DescentError } from '../src/index.js';
import { LAYER, LAYER_SLOT, NET_HEADER_LEN } from '../src/backends/abi.generated.js';
import { LAYERS } from '../src/models/layers/index.js';
import { BACKENDS } from './_util.js';

const abi = JSON.parse(readFileSync('assembly/abi.json', 'utf8')) as { layerKinds: { name: string }[] };

for (const name of BACKENDS) {
  test(`[${name}] a record with an unknown layer code is refused with its code, and nothing runs`, async () => {
    await init({ backend: name });
    const net = sequential({ inputShape: [3], layers: [{ type: 'dense', units: 4 }, { type: 'relu' }, { type: 'dense', units: 2 }], loss: 'softmax', seed: 1 });
    try {
      const x = [[1, 2, 3]];
      const before = net.decision(x);
      const program = (net as unknown as { program: { view: Float64Array } }).program.view;
      const unknown = abi.layerKinds.length + 7;
      program[NET_HEADER_LEN + LAYER_SLOT.kind] = unknown;
      assert.throws(() => net.decision(x), (e: unknown) => e instanceof DescentError && new RegExp(`unknown layer code ${unknown}\\b`).test((e as Error).message), 'an unknown code');
      program[NET_HEADER_LEN + LAYER_SLOT.kind] = LAYER.dense;
      assert.equal(Array.from(net.decision(x)), Array.from(before), 'the restored program runs as before');
    } finally {
      net.dispose();
    }
  });
}

test('the generated dispatch of both backends has one case per layer kind of abi.json, in order, and is up to date', () => {
  execFileSync(process.execPath, ['scripts/gen-abi.mjs', '--check'], { stdio: 'pipe' });
  const as = readFileSync('assembly/layers.generated.ts', 'utf8'), js = readFileSync('src/backends/js/layers.generated.ts', 'utf8');
  abi.layerKinds.forEach((k, code) => {
    assert.is((LAYER as Record<string, number>)[k.name], code, `${k.name}'s code`);
    for (const [side, text] of [['assembly', as], ['js', js]] as const) {
      assert.ok(text.includes(`${k.name}LayerForward(`) && text.includes(`${k.name}LayerBackward(`), `${side} dispatches ${k.name}`);
    }
  });
  assert.ok(/abort\("unknown layer code"/.test(as) && /unknown layer code/.test(js), 'both defaults refuse');
});

test('every registered layer type plans under its own name and declares its spec keys', () => {
  for (const [type, def] of Object.entries(LAYERS)) {
    assert.is(def.type, type);
    assert.ok(def.keys.includes('type'), `${type} accepts its type`);
  }
});

test.run();
