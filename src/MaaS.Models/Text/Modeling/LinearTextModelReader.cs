using Google.Protobuf;

namespace MaaS.Models.Text.Modeling;

/// <summary>
/// Reads a model written by <see cref="LinearTextModel.ToOnnx"/> back into a <see cref="LinearTextModel"/> (weight table,
/// bias, labels, activation, featurizer settings, and the neighbour-vote head when the graph has one), so serving can explain predictions term by term. Parses only the
/// ModelProto fields the writer emits.
/// </summary>
public static class LinearTextModelReader
{
    /// <summary>Reads the file at <paramref name="path"/>; null (with a reason) when it is not a MaaS linear text model.</summary>
    public static LinearTextModel? Read(string path, out IReadOnlyDictionary<string, string> metadata, out string? error) =>
        Read(File.ReadAllBytes(path), out metadata, out error);

    /// <summary>Reads ONNX bytes; null (with a reason) when they are not a MaaS linear text model.</summary>
    /// <param name="onnx">The model bytes.</param>
    /// <param name="metadata">Every <c>metadata_props</c> entry found.</param>
    /// <param name="error">Why the bytes are not a MaaS text model, or null.</param>
    public static LinearTextModel? Read(byte[] onnx, out IReadOnlyDictionary<string, string> metadata, out string? error)
    {
        var props = new Dictionary<string, string>(StringComparer.Ordinal);
        metadata = props;
        var result = Parse(onnx, props, out error);
        return result;
    }

    private static LinearTextModel? Parse(byte[] onnx, Dictionary<string, string> metadata, out string? error)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        var tensors = new Dictionary<string, (long[] Dims, byte[] Raw)>(StringComparer.Ordinal);
        try
        {
            var model = new CodedInputStream(onnx);
            uint tag;
            while ((tag = model.ReadTag()) != 0)
            {
                switch (WireFormat.GetTagFieldNumber(tag))
                {
                    case 7: // ModelProto.graph
                        ReadGraph(model.ReadBytes(), tensors);
                        break;
                    case 14: // ModelProto.metadata_props
                        var (key, value) = ReadEntry(model.ReadBytes());
                        metadata[key] = value;
                        break;
                    default:
                        model.SkipLastField();
                        break;
                }
            }
        }
        catch (InvalidProtocolBufferException e)
        {
            error = $"not an ONNX model: {e.Message}";
            return null;
        }

        if (!metadata.TryGetValue(TextFeaturizerSettings.MetadataKey, out string? settingsJson)
            || TextFeaturizerSettings.FromJson(settingsJson) is not { } settings
            || !metadata.TryGetValue(TextModelMetadata.Labels, out string? labelsJson)
            || !metadata.TryGetValue(TextModelMetadata.Activation, out string? activationName)
            || !tensors.TryGetValue("table", out var table)
            || !tensors.TryGetValue("bias", out var bias))
        {
            error = "the model lacks the MaaS text metadata or its table/bias initializers";
            return null;
        }

        string[]? labels = System.Text.Json.JsonSerializer.Deserialize(labelsJson, TextJsonContext.Default.StringArray);
        var activation = activationName == "sigmoid" ? TextModelActivation.Sigmoid : TextModelActivation.Softmax;
        if (labels is null || table.Dims.Length != 2 || table.Dims[0] != settings.FeatureSpace || table.Dims[1] != labels.Length
            || bias.Raw.Length != labels.Length * sizeof(float) || table.Raw.Length != table.Dims[0] * table.Dims[1] * sizeof(float)
            || settings.Validate().Count > 0)
        {
            error = "the table, bias, labels and featurizer settings do not agree";
            return null;
        }

        NeighbourVotes? neighbours = null;
        if (tensors.TryGetValue(NeighbourVotes.VectorsInitializer, out var vectors))
        {
            if (!tensors.TryGetValue(NeighbourVotes.LabelsInitializer, out var rowLabels) || !tensors.TryGetValue(NeighbourVotes.KInitializer, out var k)
                || !tensors.TryGetValue(NeighbourVotes.WeightInitializer, out var weight) || vectors.Dims.Length != 2 || k.Raw.Length != sizeof(long)
                || weight.Raw.Length != sizeof(float) || settings.EmbeddingModel is null || vectors.Dims[1] != settings.EmbeddingDimensions)
            {
                error = "the neighbour head's initializers do not agree with the featurizer settings";
                return null;
            }

            float sharpness = tensors.TryGetValue(NeighbourVotes.SharpnessInitializer, out var power) && power.Raw.Length == sizeof(float) ? ToFloats(power.Raw)[0] : 1f;
            VoteStacking? stack = null;
            if (tensors.TryGetValue(VoteStacking.WeightsInitializer, out var stackWeights) && tensors.TryGetValue(VoteStacking.BiasInitializer, out var stackBias)
                && (stack = VoteStacking.FromRaw(ToFloats(stackWeights.Raw), ToFloats(stackBias.Raw), labels.Length)) is null)
            {
                error = "the neighbour head's stack does not agree with the labels";
                return null;
            }

            neighbours = new NeighbourVotes(ToFloats(vectors.Raw), ToFloats(rowLabels.Raw), (int)vectors.Dims[1], labels.Length, (int)BitConverter.ToInt64(k.Raw), ToFloats(weight.Raw)[0], sharpness, stack);
        }

        error = null;
        return new LinearTextModel(settings, labels, activation, ToFloats(table.Raw), ToFloats(bias.Raw), neighbours);
    }

    private static void ReadGraph(ByteString graph, Dictionary<string, (long[] Dims, byte[] Raw)> tensors)
    {
        var input = graph.CreateCodedInput();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == 5) // GraphProto.initializer
            {
                var (name, dims, raw) = ReadTensor(input.ReadBytes());
                if (name is not null)
                {
                    tensors[name] = (dims, raw);
                }
            }
            else
            {
                input.SkipLastField();
            }
        }
    }

    private static (string? Name, long[] Dims, byte[] Raw) ReadTensor(ByteString tensor)
    {
        var input = tensor.CreateCodedInput();
        var dims = new List<long>();
        string? name = null;
        byte[] raw = [];
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: // TensorProto.dims (the writer emits them unpacked)
                    dims.Add(input.ReadInt64());
                    break;
                case 8:
                    name = input.ReadString();
                    break;
                case 9:
                    raw = input.ReadBytes().ToByteArray();
                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }

        return (name, [.. dims], raw);
    }

    private static (string Key, string Value) ReadEntry(ByteString entry)
    {
        var input = entry.CreateCodedInput();
        string key = "", value = "";
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1:
                    key = input.ReadString();
                    break;
                case 2:
                    value = input.ReadString();
                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }

        return (key, value);
    }

    private static float[] ToFloats(byte[] raw)
    {
        var values = new float[raw.Length / sizeof(float)];
        Buffer.BlockCopy(raw, 0, values, 0, raw.Length);
        return values;
    }
}
