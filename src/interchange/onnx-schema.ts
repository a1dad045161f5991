// The part of ONNX's schema (onnx/onnx.proto, package onnx) a model export needs, as a protobufjs JSON
// descriptor: field numbers and types exactly as onnx.proto declares them, names in camelCase. protobufjs
// writes the wire format from it.
import protobuf from 'protobufjs/light.js';

const f = (type: string, id: number, rule?: 'repeated'): { type: string; id: number; rule?: string } => (rule ? { type, id, rule } : { type, id });

/** onnx.proto's messages used by {@link toOnnx} (ModelProto and what it holds). */
export const ONNX_SCHEMA = {
  nested: {
    onnx: {
      nested: {
        AttributeProto: {
          fields: {
            name: f('string', 1), type: f('int32', 20), f: f('float', 2), i: f('int64', 3), s: f('bytes', 4), t: f('TensorProto', 5),
            floats: f('float', 7, 'repeated'), ints: f('int64', 8, 'repeated'), strings: f('bytes', 9, 'repeated'),
          },
        },
        ValueInfoProto: { fields: { name: f('string', 1), type: f('TypeProto', 2), docString: f('string', 3) } },
        NodeProto: {
          fields: {
            input: f('string', 1, 'repeated'), output: f('string', 2, 'repeated'), name: f('string', 3), opType: f('string', 4),
            attribute: f('AttributeProto', 5, 'repeated'), docString: f('string', 6), domain: f('string', 7),
          },
        },
        StringStringEntryProto: { fields: { key: f('string', 1), value: f('string', 2) } },
        OperatorSetIdProto: { fields: { domain: f('string', 1), version: f('int64', 2) } },
        ModelProto: {
          fields: {
            irVersion: f('int64', 1), opsetImport: f('OperatorSetIdProto', 8, 'repeated'), producerName: f('string', 2),
            producerVersion: f('string', 3), domain: f('string', 4), modelVersion: f('int64', 5), docString: f('string', 6),
            graph: f('GraphProto', 7), metadataProps: f('StringStringEntryProto', 14, 'repeated'),
          },
        },
        GraphProto: {
          fields: {
            node: f('NodeProto', 1, 'repeated'), name: f('string', 2), initializer: f('TensorProto', 5, 'repeated'), docString: f('string', 10),
            input: f('ValueInfoProto', 11, 'repeated'), output: f('ValueInfoProto', 12, 'repeated'), valueInfo: f('ValueInfoProto', 13, 'repeated'),
          },
        },
        TensorProto: {
          fields: {
            dims: f('int64', 1, 'repeated'), dataType: f('int32', 2), floatData: f('float', 4, 'repeated'), int32Data: f('int32', 5, 'repeated'),
            int64Data: f('int64', 7, 'repeated'), name: f('string', 8), rawData: f('bytes', 9), docString: f('string', 12),
          },
        },
        TensorShapeProto: {
          fields: { dim: f('Dimension', 1, 'repeated') },
          nested: { Dimension: { fields: { dimValue: f('int64', 1), dimParam: f('string', 2), denotation: f('string', 3) } } },
        },
        TypeProto: {
          fields: { tensorType: f('Tensor', 1), denotation: f('string', 6) },
          nested: { Tensor: { fields: { elemType: f('int32', 1), shape: f('TensorShapeProto', 2) } } },
        },
      },
    },
  },
};

/** AttributeProto.AttributeType values. */
export const ATTRIBUTE = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;

/** TensorProto.DataType values. */
export const DATA_TYPE = { FLOAT: 1, INT32: 6, INT64: 7, BOOL: 9 } as const;

let model: protobuf.Type | null = null;

/** The onnx.ModelProto message type (built once). */
export function modelProto(): protobuf.Type {
  model ??= protobuf.Root.fromJSON(ONNX_SCHEMA).lookupType('onnx.ModelProto');
  return model;
}
