// Shared by the ONNX suites: ONNX Runtime (onnxruntime-web's wasm backend, in Node, one thread) on an exported
// file, and the largest relative difference the suites bound by 1e-5.
import * as assert from 'uvu/assert';
import * as ort from 'onnxruntime-web';
import type { Network } from '../src/node.js';

ort.env.wasm.numThreads = 1;

/** Largest |a − b| / max(1, |b|). */
export function worst(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.is(a.length, b.length);
  let w = 0;
  for (let i = 0; i < a.length; i++) w = Math.max(w, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return w;
}

/**
 * ONNX Runtime's output of `bytes` on rows x (token ids as int64 when the network reads them), and its dims.
 * Creating the session runs ONNX Runtime's own checks of the model (types, shapes, operators of the opset).
 */
export async function runOnnxDims(bytes: Uint8Array, net: Network, x: Float32Array): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const session = await ort.InferenceSession.create(bytes);
  const rows = x.length / net.features;
  const feed = net.tokenIds
    ? { tokens: new ort.Tensor('int64', BigInt64Array.from(x, (v) => BigInt(v)), [rows, net.features]) }
    : { input: new ort.Tensor('float32', x, [rows, ...net.inputShape]) };
  const out = await session.run(feed);
  await session.release();
  return { data: out.output.data as Float32Array, dims: out.output.dims };
}

/** ONNX Runtime's output of `bytes` on rows x. */
export async function runOnnx(bytes: Uint8Array, net: Network, x: Float32Array): Promise<Float32Array> {
  return (await runOnnxDims(bytes, net, x)).data;
}
