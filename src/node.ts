// `descent/node`: everything `descent` exports, plus what needs Node's file system — the built-in
// datasets read from the package's data/ folder. The default entry stays free of `fs` so browsers and
// bundlers never meet it.
export * from './index.js';
export { builtinNames, builtinText, loadBuiltin, type BuiltinName } from './data/builtin.js';
