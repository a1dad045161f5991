// Runs every uvu suite in test/ (files ending .test.ts, through tsx) and ends with one plain
// "N passed, N failed, N skipped" line that any CI can read. Extra arguments filter test files:
// `npm test -- losses` runs test/*losses*.test.ts only.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const uvu = require.resolve('uvu').replace(/dist[\/]index.js$/, 'bin.js');
const filter = process.argv.slice(2).join('|');
const pattern = filter ? `(${filter}).*\\.test\\.ts$` : '\\.test\\.ts$';
const child = spawn(process.execPath, [uvu, '-r', 'tsx', 'test', pattern], {
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
});
let out = '';
child.stdout.on('data', (chunk) => {
  out += chunk;
  process.stdout.write(chunk);
});
child.on('close', (code) => {
  const num = (label) => Number((out.match(new RegExp(`${label}:\\s+(\\d+)`)) ?? [])[1] ?? 0);
  const total = num('Total'), passed = num('Passed'), skipped = num('Skipped');
  const failed = total - passed - skipped;
  console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.exit(code !== 0 ? code || 1 : failed > 0 || total === 0 ? 1 : 0);
});
