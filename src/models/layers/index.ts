// Every layer type a network spec may name, by its `type`, from the registry (./registry.ts), and the union
// of their specs.
import * as registry from './registry.js';
import type { LayerDef } from './layer.js';

type Defs = (typeof registry)[keyof typeof registry];

/** The spec type of a layer definition. */
type SpecOf<D> = D extends LayerDef<infer S> ? S : never;

/** One layer of a {@link sequential} network, as plain JSON (each layer module documents its own). */
export type LayerSpec = SpecOf<Defs>;

/** Every layer type by its spec's `type`. */
export const LAYERS: Readonly<Record<string, LayerDef>> = Object.freeze(
  Object.fromEntries(Object.values(registry).map((d) => [d.type, d as unknown as LayerDef])),
);
