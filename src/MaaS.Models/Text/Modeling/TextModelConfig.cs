namespace MaaS.Models.Text.Modeling;

/// <summary>
/// The model-level <c>models/&lt;name&gt;/model.json</c> as the text trainers write it (the repository format in
/// MODEL-REPO.md; the registry reads it with its own types). Immutable.
/// </summary>
public sealed record TextModelConfig
{
    /// <summary>sentiment | tagging | ...</summary>
    public required string Task { get; init; }

    /// <summary>Always <c>onnx</c> for text models.</summary>
    public string Format { get; init; } = "onnx";

    /// <summary>Human description.</summary>
    public required string Description { get; init; }

    /// <summary>Owner.</summary>
    public string Owner { get; init; } = "maas";

    /// <summary>Free tags.</summary>
    public string[] Tags { get; init; } = ["text", "en"];

    /// <summary>Labels in output order.</summary>
    public required string[] Labels { get; init; }

    /// <summary>Largest batch the batcher builds.</summary>
    public int MaxBatchSize { get; init; } = 256;

    /// <summary>Dynamic batching settings.</summary>
    public DynamicBatchingConfig DynamicBatching { get; init; } = new();

    /// <summary>Serialises to indented camelCase JSON.</summary>
    public string ToJson() => TextJson.Serialize(this);
}

/// <summary>The <c>dynamicBatching</c> block of model.json.</summary>
public sealed record DynamicBatchingConfig
{
    /// <summary>Whether requests are batched.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Longest wait for more requests, in microseconds.</summary>
    public int MaxQueueDelayMicroseconds { get; init; } = 500;

    /// <summary>Bounded queue length; beyond it requests are refused (429).</summary>
    public int MaxQueueSize { get; init; } = 1024;
}
