// Interchange with PyTorch and ONNX Runtime: safetensors files with PyTorch's state_dict names, and ONNX
// export. Browser-safe (the Node file helpers are in ./node.ts).
export {
  encodeSafetensors, decodeSafetensors, SAFETENSORS_DTYPES, type SafetensorsDtype, type SafeTensor, type TensorToWrite,
  type DecodedSafetensors, type WritableDtype,
} from './safetensors.js';
export { toSafetensors, networkFromSafetensors, loadSafetensors, type LoadSafetensorsOptions } from './torch-state.js';
export { TORCH_LAYERS, type TorchLayer, type TorchTensor } from './torch-layers.js';
export { toOnnx, type OnnxOptions } from './onnx.js';
