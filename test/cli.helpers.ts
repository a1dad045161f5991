// Shared by the CLI suites: run the BUILT `descent` binary in a child process, as users run it.
import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as assert from 'uvu/assert';

export const root = fileURLToPath(new URL('..', import.meta.url));
export const bin = join(root, 'dist', 'cli', 'index.js');

/** What a command line did. */
export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `descent args…` in `cwd`. */
export function cli(cwd: string, ...args: string[]): Run {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, DESCENT_DEBUG: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs several independent command lines at once. */
export function cliAll(cwd: string, cases: string[][]): Promise<Run[]> {
  return Promise.all(cases.map((args) => new Promise<Run>((done) => {
    execFile(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, DESCENT_DEBUG: '' } },
      (err, stdout, stderr) => done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  })));
}

/** JSON lines of an output. */
export function jsonLines(s: string): Record<string, any>[] {
  return s.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

/** A user mistake: the documented exit code and exactly one line on stderr matching `message`, no stack trace. */
export function fails(r: Run, code: number, message: RegExp): void {
  assert.is(r.code, code, `exit code (stderr: ${r.stderr.slice(0, 2000)})`);
  const lines = r.stderr.trim().split('\n');
  assert.is(lines.length, 1, `one line on stderr, got:\n${r.stderr.slice(0, 2000)}`);
  assert.match(lines[0], message);
  assert.not.match(r.stderr, /\n\s+at |Error:/, 'no stack trace, no raw error name');
}
