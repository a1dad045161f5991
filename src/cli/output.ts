// Charts as files: SVG, or PNG rendered by @resvg/resvg-js, which is loaded only when a .png is asked for
// (a CLI dependency; the library's entries never import it).
import { DataError } from '../errors.js';
import { writeOutput } from './common.js';

/** Renders SVG text to PNG bytes with @resvg/resvg-js, imported only here so no other path pays for it. */
export async function svgToPng(svg: string): Promise<Uint8Array> {
  let Resvg: typeof import('@resvg/resvg-js').Resvg;
  try {
    ({ Resvg } = await import('@resvg/resvg-js'));
  } catch {
    throw new DataError('cannot write PNG: the @resvg/resvg-js package is not installed (npm install @resvg/resvg-js), or give --plot a .svg name');
  }
  return new Resvg(svg, { background: 'white', font: { loadSystemFonts: true } }).render().asPng();
}

/** Writes a chart: PNG when the path ends in .png (any case), SVG otherwise. */
export async function writeChart(path: string, svg: string): Promise<void> {
  if (/\.png$/i.test(path)) writeOutput(path, await svgToPng(svg));
  else writeOutput(path, svg);
}
