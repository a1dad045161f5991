// Issue 15, Dataset.fromCSV's guesses in the library (the CLI's guards moved down into the data layer): header
// detection (header: 'auto' | true | false, the result says which), delimiter sniffing (',', ';', tab, '|'),
// and a hint naming the `delimiter` option when a file reads as one column.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, Dataset, DataError, HyperParameterError } from '../src/node.js';
import { parseCSV, csvLayout } from '../src/data/csv/read.js';

test.before(async () => {
  await init({ backend: 'js' });
});

test("header 'auto' (default): a first row of numbers is data, a row with a name is a header, and ds.csv says which", () => {
  const data = Dataset.fromCSV('1,2,0\n3,4,1\n5,6,0\n');
  assert.is(data.rows, 3, 'the numeric first row is kept as data');
  assert.equal(data.csv, { header: false, delimiter: ',' });
  assert.equal(data.featureNames, ['0', '1']);
  assert.equal(Array.from(data.x.subarray(0, 2)), [1, 2]);
  const named = Dataset.fromCSV('a,b,y\n1,2,0\n3,4,1\n');
  assert.is(named.rows, 2);
  assert.equal(named.csv, { header: true, delimiter: ',' });
  assert.equal(named.featureNames, ['a', 'b']);
  // One name among numbers is still a header (a file of numbers only has no names to lose).
  assert.is(Dataset.fromCSV('1,b,2\n3,4,5\n').rows, 1);
  data.dispose();
  named.dispose();
});

test('header true / false override the guess; a bad value names csv.header', () => {
  const forced = Dataset.fromCSV('1,2,0\n3,4,1\n', { header: true });
  assert.is(forced.rows, 1);
  assert.equal(forced.featureNames, ['1', '2']);
  assert.is(forced.csv!.header, true);
  forced.dispose();
  // header: false on a named file reads the names as numbers: a DataError naming the line.
  try {
    Dataset.fromCSV('a,b,y\n1,2,0\n', { header: false });
    assert.unreachable('a header read as data must fail');
  } catch (e) {
    assert.instance(e, DataError);
    assert.match((e as Error).message, /line 1/);
  }
  try {
    Dataset.fromCSV('a,b,y\n1,2,0\n', { header: 'yes' as never });
    assert.unreachable('header must be validated');
  } catch (e) {
    assert.instance(e, HyperParameterError);
    assert.is((e as HyperParameterError).param, 'csv.header');
  }
});

test("the delimiter is sniffed: ';', tab and '|' files read as ',' ones do, and the table says which", () => {
  const want = parseCSV('a,b,y\n1,2.5,0\n3,4,1\n');
  for (const d of [';', '\t', '|']) {
    const t = parseCSV(`a${d}b${d}y\n1${d}2.5${d}0\n3${d}4${d}1\n`);
    assert.is(t.delimiter, d);
    assert.equal(Array.from(t.x), Array.from(want.x), `delimiter ${JSON.stringify(d)}`);
    assert.equal(t.featureNames, ['a', 'b']);
  }
  assert.is(want.delimiter, ',');
  // A comma inside a quoted cell is not the delimiter.
  const q = parseCSV('"name, full";b;y\n1;2;0\n');
  assert.equal([q.delimiter, q.features, q.featureNames[0]], [';', 2, 'name, full']);
  // Numbers only and semicolons: both guesses at once.
  assert.equal(csvLayout('1;2;3\n4;5;6\n'), { delimiter: ';', header: false });
  const ds = Dataset.fromCSV('1;2;3\n4;5;6\n');
  assert.equal([ds.rows, ds.features, ds.csv!.delimiter, ds.csv!.header], [2, 2, ';', false]);
  ds.dispose();
  // A given delimiter is used as given.
  assert.is(parseCSV('a;b,y\n1,0\n', { delimiter: ',' }).featureNames[0], 'a;b');
});

test('a file that reads as one column under the given delimiter: a DataError naming the delimiter option', () => {
  try {
    parseCSV('a;b;y\n1;2;0\n', { delimiter: '|' });
    assert.unreachable('one column cannot train');
  } catch (e) {
    assert.instance(e, DataError);
    assert.match((e as Error).message, /no feature columns.*separator other than pipe: pass the delimiter option/);
  }
});

test.run();
