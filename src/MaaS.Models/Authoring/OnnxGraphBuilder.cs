namespace MaaS.Models.Authoring;

/// <summary>
/// Builds an ONNX model (IR version 10, default-domain opset 21: what ONNX Runtime 1.31 loads) from weights and
/// nodes, and writes it as the protobuf bytes of <c>ModelProto</c>. Not thread-safe; build on one thread.
/// </summary>
/// <remarks>
/// A dimension of <c>-1</c> in <see cref="AddInput"/> or <see cref="AddOutput"/> is written as the symbolic
/// dimension <c>N</c> (the batch axis), so the session accepts any batch size there.
/// </remarks>
public sealed class OnnxGraphBuilder
{
    /// <summary>ONNX IR version written.</summary>
    public const long IrVersion = 10;

    /// <summary>Opset version of the default domain written.</summary>
    public const long OpsetVersion = 21;

    private readonly List<OnnxValueInfo> _inputs = [];
    private readonly List<OnnxValueInfo> _outputs = [];
    private readonly List<(string Name, OnnxTensor Tensor)> _initializers = [];
    private readonly List<OnnxNode> _nodes = [];
    private readonly Dictionary<string, string> _metadata = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _opsets = new(StringComparer.Ordinal);
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private int _nextId;

    /// <summary>Starts a graph with the given name.</summary>
    public OnnxGraphBuilder(string graphName)
    {
        ArgumentException.ThrowIfNullOrEmpty(graphName);
        GraphName = graphName;
    }

    /// <summary>Graph name written into the model.</summary>
    public string GraphName { get; }

    /// <summary>Producer name written into the model.</summary>
    public string ProducerName { get; init; } = "MaaS";

    /// <summary>Model version written into the model (informational).</summary>
    public long ModelVersion { get; init; } = 1;

    /// <summary>Declares a graph input; <c>-1</c> dimensions are symbolic (<c>N</c>).</summary>
    public OnnxGraphBuilder AddInput(string name, OnnxElementType type, params long[] dims)
    {
        _inputs.Add(new OnnxValueInfo(Claim(name), type, dims));
        return this;
    }

    /// <summary>Declares a graph output; it must be produced by a node. <c>-1</c> dimensions are symbolic (<c>N</c>).</summary>
    public OnnxGraphBuilder AddOutput(string name, OnnxElementType type, params long[] dims)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        _outputs.Add(new OnnxValueInfo(name, type, dims));
        return this;
    }

    /// <summary>Adds a constant weight tensor and returns its name for use as a node input.</summary>
    public string AddInitializer(string name, OnnxTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        _initializers.Add((Claim(name), tensor));
        return name;
    }

    /// <summary>Adds a node with explicit output names; returns the first output's name.</summary>
    public string AddNode(string opType, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs, params OnnxAttribute[] attributes)
    {
        ArgumentException.ThrowIfNullOrEmpty(opType);
        if (outputs.Count == 0)
        {
            throw new ArgumentException("A node needs at least one output.", nameof(outputs));
        }

        foreach (string output in outputs)
        {
            Claim(output);
        }

        _nodes.Add(new OnnxNode($"{opType}_{_nodes.Count}", opType, [.. inputs], [.. outputs], attributes));
        return outputs[0];
    }

    /// <summary>
    /// Adds a node of an operator set other than the default one (for example <c>ai.onnx.ml</c>'s tree ensembles) and
    /// imports that domain at <paramref name="opsetVersion"/>; returns the first output's name.
    /// </summary>
    public string AddDomainNode(string domain, long opsetVersion, string opType, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs, params OnnxAttribute[] attributes)
    {
        ArgumentException.ThrowIfNullOrEmpty(domain);
        if (_opsets.TryGetValue(domain, out long imported) && imported != opsetVersion)
        {
            throw new ArgumentException($"Domain '{domain}' is already imported at opset {imported}.", nameof(opsetVersion));
        }

        string first = AddNode(opType, inputs, outputs, attributes);
        _nodes[^1] = _nodes[^1] with { Domain = domain };
        _opsets[domain] = opsetVersion;
        return first;
    }

    /// <summary>Adds a single-output node whose output gets a fresh unique name, and returns that name.</summary>
    public string AddNode(string opType, IReadOnlyList<string> inputs, params OnnxAttribute[] attributes) =>
        AddNode(opType, inputs, [FreshName(opType)], attributes);

    /// <summary>Adds a key/value pair to the model's <c>metadata_props</c> (visible through ORT's ModelMetadata).</summary>
    public OnnxGraphBuilder AddMetadata(string key, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        _metadata[key] = value;
        return this;
    }

    /// <summary>Serialises the model to <c>ModelProto</c> bytes.</summary>
    /// <exception cref="InvalidOperationException">A graph output is not produced by any node or input.</exception>
    public byte[] ToBytes()
    {
        var produced = new HashSet<string>(_inputs.Select(i => i.Name), StringComparer.Ordinal);
        produced.UnionWith(_initializers.Select(i => i.Name));
        produced.UnionWith(_nodes.SelectMany(n => n.Outputs));
        var missing = _outputs.Where(o => !produced.Contains(o.Name)).Select(o => o.Name).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"Graph outputs not produced by any node: {string.Join(", ", missing)}.");
        }

        return OnnxProtoWriter.WriteModel(new OnnxModelSpec(
            GraphName, ProducerName, ModelVersion, _inputs, _outputs, _initializers, _nodes, _metadata, _opsets));
    }

    /// <summary>Writes the model to <paramref name="path"/>, creating its folder; replaces the file atomically.</summary>
    public void Save(string path)
    {
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = full + ".tmp";
        File.WriteAllBytes(temp, ToBytes());
        File.Move(temp, full, overwrite: true);
    }

    private string Claim(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!_names.Add(name))
        {
            throw new ArgumentException($"The name '{name}' is already used in graph '{GraphName}'.", nameof(name));
        }

        return name;
    }

    private string FreshName(string opType)
    {
        string name;
        do
        {
            name = $"{opType.ToLowerInvariant()}_{_nextId++}";
        }
        while (_names.Contains(name));
        return name;
    }
}

internal sealed record OnnxValueInfo(string Name, OnnxElementType Type, long[] Dims);

internal sealed record OnnxNode(string Name, string OpType, string[] Inputs, string[] Outputs, OnnxAttribute[] Attributes)
{
    /// <summary>The operator set's domain; empty for the default ONNX domain.</summary>
    public string Domain { get; init; } = "";
}

internal sealed record OnnxModelSpec(
    string GraphName,
    string ProducerName,
    long ModelVersion,
    IReadOnlyList<OnnxValueInfo> Inputs,
    IReadOnlyList<OnnxValueInfo> Outputs,
    IReadOnlyList<(string Name, OnnxTensor Tensor)> Initializers,
    IReadOnlyList<OnnxNode> Nodes,
    IReadOnlyDictionary<string, string> Metadata,
    IReadOnlyDictionary<string, long> Opsets);
