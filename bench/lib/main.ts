// Lets each suite run alone (`npx tsx bench/optim.bench.ts [--quick]`) with the same limits and table.
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { measureLimits } from './machine.js';
import { type Row, type RunOptions, addRatios, table } from './harness.js';

export function isMain(url: string): boolean {
  return !!process.argv[1] && resolve(process.argv[1]) === fileURLToPath(url);
}

export async function runAlone(name: string, run: (o: RunOptions) => Promise<Row[]>): Promise<void> {
  const quick = process.argv.includes('--quick');
  const log = (s: string) => process.stderr.write(s + '\n');
  log(`${name}: measuring this machine's limits…`);
  const limits = await measureLimits(true, log);
  const rows = await run({ quick, limits, log });
  addRatios(rows);
  console.log(table(rows));
}
