// `descent predict MODEL.json FILE.csv [--text COLUMN]` for a model trained with `descent train --text`: the texts of
// the column are vectorized by the vectorizer saved in the model (training.text) — the same tokens, hash space,
// weighting and norm as in training — and the model predicts on those sparse rows.
import { DataError } from '../errors.js';
import { Dataset } from '../data/dataset.js';
import { csvRecords } from '../data/csv/read.js';
import { f32Text } from '../data/csv/format.js';
import { modelFromJSON, type SavedModel } from '../models/io.js';
import type { Model } from '../models/linear/model.js';
import { vectorizerFromJSON } from '../text/saved.js';
import { EXIT, UsageError, type Parsed } from './args.js';
import { delimiterFlag, describeEval, readData } from './common.js';

/** Predictions of a saved text model on a CSV's text column; metrics when the file has the target column. */
export function textPredict(saved: SavedModel, modelPath: string, dataArg: string, v: Parsed['values']): number {
  const info = saved.training!.text as { column?: unknown };
  let vectorizer;
  try {
    vectorizer = vectorizerFromJSON(saved);
  } catch (e) {
    throw new DataError(`${modelPath}: not a usable text model: ${(e as Error).message}`);
  }
  if (vectorizer.features !== saved.features) throw new DataError(`${modelPath}: its vectorizer has ${vectorizer.features} columns but the model ${saved.features} features`);
  const data = readData('predict', dataArg);
  const records = csvRecords(data.text, { delimiter: delimiterFlag(v), source: data.name });
  if (records.length < 2) throw new DataError(`${data.name}: a header row and at least one data row are needed to predict on texts`);
  const header = records[0];
  const column = v.text !== undefined ? String(v.text) : typeof info.column === 'string' ? info.column : undefined;
  const ti = column === undefined ? -1 : header.indexOf(column);
  if (ti < 0) {
    throw new UsageError(`descent predict: ${dataArg} has no column ${JSON.stringify(String(column).slice(0, 60))} (the model's text column); name the text column with --text (the header has ${header.slice(0, 8).map((h) => JSON.stringify(h.slice(0, 30))).join(', ')}${header.length > 8 ? ', …' : ''})`);
  }
  const targetName = v.target !== undefined ? String(v.target) : saved.target;
  const yi = targetName === undefined ? -1 : header.indexOf(targetName);
  if (v.target !== undefined && yi < 0) throw new UsageError(`descent predict: --target ${JSON.stringify(targetName!.slice(0, 60))} is not a column of ${dataArg}`);
  const rows = records.slice(1);
  rows.forEach((r, i) => {
    if (r.length !== header.length) throw new DataError(`${data.name}: row ${i + 1} has ${r.length} cells, the header ${header.length}`, { row: i + 1 });
  });
  const texts = rows.map((r) => r[ti]);
  // The same checks as in training (an empty text is a DataError naming its row), then the saved vectorizer.
  texts.forEach((t, i) => {
    if (t.trim() === '') throw new DataError(`${data.name}: row ${i + 1}, column "${header[ti].slice(0, 30)}": the text is empty`, { row: i + 1, column: ti });
  });
  let y: Float32Array | undefined;
  if (yi >= 0) {
    y = new Float32Array(rows.length);
    rows.forEach((r, i) => {
      const cell = r[yi];
      const k = saved.classes ? saved.classes.indexOf(cell) : Number(cell);
      if (saved.classes ? k < 0 : cell.trim() === '' || !Number.isFinite(k)) {
        throw new DataError(`${data.name}: row ${i + 1}, column "${header[yi].slice(0, 30)}": ${JSON.stringify(cell.slice(0, 60))} is not ${saved.classes ? `one of the model's classes (${saved.classes.join(', ')})` : 'a number'}`, { row: i + 1, column: yi });
      }
      y![i] = k;
    });
  }
  const csr = vectorizer.transform(texts);
  const model = modelFromJSON(saved, modelPath) as Model;
  let ds: Dataset | undefined;
  try {
    const pred = model.predict(csr);
    const name = (p: number) => (saved.classes ? saved.classes[p] : saved.kind === 'linear' ? f32Text(p) : String(p));
    let metrics: { loss: number; accuracy?: number; r2?: number } | undefined;
    if (y) {
      ds = Dataset.fromSparse(csr, y, { features: csr.features });
      metrics = model.evaluate(ds);
    }
    if (v.json) {
      process.stdout.write(JSON.stringify({
        event: 'predictions', model: modelPath, data: dataArg, rows: texts.length, text: header[ti], target: yi >= 0 ? header[yi] : null,
        predictions: Array.from(pred, (p) => (saved.classes ? saved.classes[p] : p)), ...(metrics ?? {}),
      }) + '\n');
    } else {
      process.stdout.write(Array.from(pred, name).join('\n') + '\n');
      if (metrics && !v.quiet) process.stderr.write(`${describeEval(metrics)} on ${texts.length} rows (target "${header[yi]}")\n`);
    }
    return EXIT.ok;
  } finally {
    ds?.dispose();
    model.dispose();
  }
}
