// Every layer type a network spec may name, by its `type`, from the registry (./registry.ts), and the union
// of their specs.
import * as registry from './registry.js';
import type { LayerDef } from './layer.js';

type Defs = (typeof registry)[keyof typeof registry];

/** The spec type of a layer definition. */
type SpecOf<D> = D extends LayerDef<infer S> ? S : never;

/**
 * One layer of a {@link sequential} network, as plain JSON (each layer module documents its own). Any layer
 * also takes `trainable: false` (on a container: every layer in it): its tensors stay as they are, and the
 * optimizer keeps no state for them.
 */
export type LayerSpec = SpecOf<Defs> & { trainable?: boolean };

/** Every layer type by its spec's `type`. */
export const LAYERS: Readonly<Record<string, LayerDef>> = Object.freeze(
  Object.fromEntries(Object.values(registry).map((d) => [d.type, d as unknown as LayerDef])),
);
