// Loading the wrong kind of saved model, or a damaged file: the error names the loader that fits and is typed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, Model, Network, softmax, sequential, DataError, ShapeError } from '../src/index.js';

test.before(async () => {
  await init({ backend: 'js' });
});

function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

test('Network.fromJSON of a softmax model points at Model.fromJSON, naming the kind the file holds', () => {
  const m = softmax({ features: 3, classes: 3 });
  const e = thrown(() => Network.fromJSON(m.toJSON() as never));
  assert.instance(e, ShapeError);
  assert.match(e.message, /"softmax"/);
  assert.match(e.message, /Model\.fromJSON/);
  m.dispose();
});

test('Model.fromJSON of a network points at Network.fromJSON', () => {
  const net = sequential({ inputShape: [3], layers: [{ type: 'dense', units: 2 }], loss: 'softmax' });
  const e = thrown(() => Model.fromJSON(net.toJSON() as never));
  assert.instance(e, ShapeError);
  assert.match(e.message, /Network\.fromJSON/);
  const text = thrown(() => Model.fromJSON(JSON.stringify(net.toJSON())));
  assert.match(text.message, /Network\.fromJSON/);
  net.dispose();
});

test('a truncated JSON text is a DataError from both loaders, not a SyntaxError', () => {
  const m = softmax({ features: 3, classes: 3 });
  const net = sequential({ inputShape: [3], layers: [{ type: 'dense', units: 2 }], loss: 'softmax' });
  for (const [load, text] of [[Model.fromJSON, JSON.stringify(m.toJSON())], [Network.fromJSON, JSON.stringify(net.toJSON())]] as const) {
    for (const cut of [1, 10, text.length >> 1, text.length - 1]) {
      const e = thrown(() => (load as (t: string) => unknown)(text.slice(0, cut)));
      assert.instance(e, DataError, `${e.name}: ${e.message}`);
      assert.match(e.message, /not valid JSON/);
    }
  }
  m.dispose();
  net.dispose();
});

test.run();
