// Shared by the ONNX suites: ONNX Runtime (onnxruntime-web's wasm backend, in Node, one thread) on an exported
// file (the suites bound its difference from descent by test/_util.ts maxRelDiff).
import * as ort from 'onnxruntime-web';
import type { Network } from '../src/node.js';

ort.env.wasm.numThreads = 1;

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
