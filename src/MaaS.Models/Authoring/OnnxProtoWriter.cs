using Google.Protobuf;

namespace MaaS.Models.Authoring;

/// <summary>
/// Writes the protobuf wire format of onnx.proto's <c>ModelProto</c> directly. Field numbers are those of
/// onnx/onnx.proto (IR version 10); only the fields MaaS needs are written.
/// </summary>
internal static class OnnxProtoWriter
{
    public static byte[] WriteModel(OnnxModelSpec spec)
    {
        return Message(w =>
        {
            w.WriteInt64(1, OnnxGraphBuilder.IrVersion);                 // ModelProto.ir_version
            w.WriteString(2, spec.ProducerName);                        // producer_name
            w.WriteString(3, typeof(OnnxProtoWriter).Assembly.GetName().Version?.ToString() ?? "1"); // producer_version
            w.WriteInt64(5, spec.ModelVersion);                         // model_version
            w.WriteMessage(7, Graph(spec));                             // graph
            w.WriteMessage(8, Message(o =>                              // opset_import
            {
                o.WriteString(1, string.Empty);
                o.WriteInt64(2, OnnxGraphBuilder.OpsetVersion);
            }));
            foreach (var (domain, version) in spec.Opsets)
            {
                w.WriteMessage(8, Message(o =>
                {
                    o.WriteString(1, domain);
                    o.WriteInt64(2, version);
                }));
            }
            foreach (var (key, value) in spec.Metadata)
            {
                w.WriteMessage(14, Message(e =>                         // metadata_props
                {
                    e.WriteString(1, key);
                    e.WriteString(2, value);
                }));
            }
        });
    }

    private static byte[] Graph(OnnxModelSpec spec) => Message(w =>
    {
        foreach (var node in spec.Nodes)
        {
            w.WriteMessage(1, Node(node));                              // GraphProto.node
        }

        w.WriteString(2, spec.GraphName);                               // name
        foreach (var (name, tensor) in spec.Initializers)
        {
            w.WriteMessage(5, Tensor(name, tensor));                    // initializer
        }

        foreach (var input in spec.Inputs)
        {
            w.WriteMessage(11, ValueInfo(input));                       // input
        }

        foreach (var output in spec.Outputs)
        {
            w.WriteMessage(12, ValueInfo(output));                      // output
        }
    });

    private static byte[] Node(OnnxNode node) => Message(w =>
    {
        foreach (string input in node.Inputs)
        {
            w.WriteString(1, input);                                    // NodeProto.input
        }

        foreach (string output in node.Outputs)
        {
            w.WriteString(2, output);                                   // output
        }

        w.WriteString(3, node.Name);                                    // name
        w.WriteString(4, node.OpType);                                  // op_type
        foreach (var attribute in node.Attributes)
        {
            w.WriteMessage(5, Attribute(attribute));                    // attribute
        }

        if (node.Domain.Length > 0)
        {
            w.WriteString(7, node.Domain);                              // domain
        }
    });

    private static byte[] Attribute(OnnxAttribute a) => Message(w =>
    {
        w.WriteString(1, a.Name);                                       // AttributeProto.name
        switch (a.Kind)
        {
            case OnnxAttributeKind.Float:
                w.WriteFloat(2, a.FloatValue);                          // f
                break;
            case OnnxAttributeKind.Int:
                w.WriteInt64(3, a.IntValue);                            // i
                break;
            case OnnxAttributeKind.String:
                w.WriteBytes(4, ByteString.CopyFromUtf8(a.StringValue!)); // s
                break;
            case OnnxAttributeKind.Tensor:
                w.WriteMessage(5, Tensor(null, a.TensorValue!));        // t
                break;
            case OnnxAttributeKind.Floats:
                foreach (float f in a.FloatValues!)
                {
                    w.WriteFloat(7, f);                                 // floats
                }

                break;
            case OnnxAttributeKind.Ints:
                foreach (long i in a.IntValues!)
                {
                    w.WriteInt64(8, i);                                 // ints
                }

                break;
            case OnnxAttributeKind.Strings:
                foreach (string text in a.StringValues!)
                {
                    w.WriteBytes(9, ByteString.CopyFromUtf8(text));     // strings
                }

                break;
        }

        w.WriteInt64(20, (long)a.Kind);                                 // type
    });

    private static byte[] Tensor(string? name, OnnxTensor tensor) => Message(w =>
    {
        foreach (long d in tensor.Dims)
        {
            w.WriteInt64(1, d);                                         // TensorProto.dims
        }

        w.WriteInt64(2, (long)tensor.ElementType);                      // data_type
        if (name is not null)
        {
            w.WriteString(8, name);                                     // name
        }

        w.WriteBytes(9, ByteString.CopyFrom(tensor.RawData));           // raw_data (little-endian)
    });

    private static byte[] ValueInfo(OnnxValueInfo info) => Message(w =>
    {
        w.WriteString(1, info.Name);                                    // ValueInfoProto.name
        w.WriteMessage(2, Message(type =>                               // type: TypeProto
        {
            type.WriteMessage(1, Message(t =>                           // tensor_type: TypeProto.Tensor
            {
                t.WriteInt64(1, (long)info.Type);                       // elem_type
                t.WriteMessage(2, Message(shape =>                      // shape: TensorShapeProto
                {
                    foreach (long d in info.Dims)
                    {
                        shape.WriteMessage(1, Message(dim =>            // dim
                        {
                            if (d < 0)
                            {
                                dim.WriteString(2, "N");                // dim_param
                            }
                            else
                            {
                                dim.WriteInt64(1, d);                   // dim_value
                            }
                        }));
                    }
                }));
            }));
        }));
    });

    private static byte[] Message(Action<ProtoFields> write)
    {
        using var buffer = new MemoryStream();
        using (var output = new CodedOutputStream(buffer, leaveOpen: true))
        {
            write(new ProtoFields(output));
        }

        return buffer.ToArray();
    }

    /// <summary>Field writers over one message's stream.</summary>
    internal readonly struct ProtoFields(CodedOutputStream output)
    {
        public void WriteInt64(int field, long value) => Tag(field, WireFormat.WireType.Varint).WriteInt64(value);

        public void WriteFloat(int field, float value) => Tag(field, WireFormat.WireType.Fixed32).WriteFloat(value);

        public void WriteString(int field, string value) => Tag(field, WireFormat.WireType.LengthDelimited).WriteString(value);

        public void WriteBytes(int field, ByteString value) => Tag(field, WireFormat.WireType.LengthDelimited).WriteBytes(value);

        public void WriteMessage(int field, byte[] message) => WriteBytes(field, ByteString.CopyFrom(message));

        private CodedOutputStream Tag(int field, WireFormat.WireType type)
        {
            output.WriteTag(field, type);
            return output;
        }
    }
}
