// The hyper-parameters the demo pre-fills for each update rule: the library's own defaults (PyTorch's,
// under descent's camelCase names) from optimizerDefaults, so a rule added to descent appears here with
// its defaults and nothing is copied. lr has its own field. test/demo.test.ts checks every entry is accepted.
import { optimizerDefaults, optimizerNames } from '../src/index.js';

/** Each rule's defaults without lr. */
export const HYPER_DEFAULTS: Record<string, object> = Object.fromEntries(optimizerNames.map((name) => {
  const { lr: _lr, ...rest } = optimizerDefaults(name) as { lr: number };
  return [name, rest];
}));

/** The JSON shown for a rule. */
export function hyperText(name: string): string {
  return JSON.stringify(HYPER_DEFAULTS[name] ?? {});
}
