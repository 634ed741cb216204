using System.Text.Json.Nodes;
using MaaS.Models.Onnx.Quantization;

namespace MaaS.Services.Market;

/// <summary>What the int8 variant keeps in FP32.</summary>
internal enum QuantizationScope
{
    /// <summary>
    /// Down-projections (MatMuls with more input than output features, a transformer's FFN output) stay FP32: their
    /// inputs (after GELU, heavy-tailed) lose the most to per-tensor uint8 activations. MiniLM: every one of 1,000 texts
    /// within cosine 0.99 of FP32, 0.76× the size (docs/models.md).
    /// </summary>
    SkipDownProjections,

    /// <summary>Every MatMul and Gemm with a constant weight: smallest and fastest (MiniLM 0.65×), least exact.</summary>
    All,
}

/// <summary>
/// The market's quantise action: an int8 dynamically quantised variant of a model version the tenant can see
/// (<see cref="OnnxQuantizer"/>), published through <see cref="ModelPublisher"/> like an upload, so validation,
/// quotas and rollback are the same. The variant's card is the source's with a <c>quantization</c> block (method,
/// scope, source model and version, nodes, sizes), tags <c>int8</c> and <c>quantized</c>. The tenant's own model gets
/// the next version; another's (bundled, shared or public) becomes <c>&lt;tenant&gt;.&lt;card name&gt;</c>. A sentence
/// encoder keeps its format and vocabulary. Thread-safe singleton.
/// </summary>
internal sealed partial class ModelQuantizer(ModelRegistry registry, ModelAccess access, ModelPublisher publisher, ILogger<ModelQuantizer> logger)
{
    // The formats whose version folder is an ONNX graph (plus side files the loader reads beside it).
    private static readonly string[] Formats = ["onnx", "sentence-embedding"];

    public async Task<Result<PublishedVersion>> QuantizeAsync(string tenant, string name, long version, QuantizationScope scope, CancellationToken cancellationToken)
    {
        if (!ModelListing.IsValidListingName(name) || registry.GetModel(name) is not { } model || !access.CanSee(tenant, name))
        {
            return Result<PublishedVersion>.Fail(ErrorCode.ModelNotFound, $"unknown model: '{name}'");
        }

        if (model.FindVersion(version) is not { } source)
        {
            return Result<PublishedVersion>.Fail(ErrorCode.VersionNotFound, $"model '{name}' has no version {version}");
        }

        string format = model.Config?.Format ?? "onnx";
        if (!Formats.Contains(format, StringComparer.Ordinal))
        {
            return Result<PublishedVersion>.Fail(ErrorCode.Unsupported, $"model '{name}' is a '{format}' model; only ONNX models and sentence encoders can be quantised");
        }

        string root = access.Find(name) is null ? registry.RepositoryPath : registry.PublishedRepositoryPath;
        string directory = Path.Combine(root, name, version.ToString(CultureInfo.InvariantCulture));
        string onnxPath = Path.Combine(directory, RepositoryFiles.Onnx);
        if (!File.Exists(onnxPath))
        {
            return Result<PublishedVersion>.Fail(ErrorCode.ModelNotReady, $"model '{name}' version {version} has no {RepositoryFiles.Onnx}");
        }

        byte[] fp32 = await File.ReadAllBytesAsync(onnxPath, cancellationToken).ConfigureAwait(false);
        Func<QuantizationCandidate, bool> include = scope == QuantizationScope.All ? _ => true : OnnxQuantizer.SkipDownProjections;
        // Seconds of CPU for a 90 MB transformer: off the request thread.
        var quantized = await Task.Run(() => OnnxQuantizer.Quantize(fp32, include), cancellationToken).ConfigureAwait(false);
        if (!quantized.TryGetValue(out var variant, out var error))
        {
            return error;
        }

        var card = Card(name, version, model.Config, source.Card, scope, fp32.Length, variant);
        var sideFiles = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (string file in Directory.EnumerateFiles(directory))
        {
            string fileName = Path.GetFileName(file);
            if (fileName is not (RepositoryFiles.Onnx or RepositoryFiles.Card) && !fileName.StartsWith('.'))
            {
                sideFiles[fileName] = await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false);
            }
        }

        var published = await publisher.PublishAsync(tenant, card.ToJsonString(), variant.Model, new PublishExtras(format, sideFiles), cancellationToken).ConfigureAwait(false);
        if (published.IsSuccess)
        {
            LogQuantized(logger, name, version, published.Value.Name, published.Value.Version, variant.Nodes, fp32.Length, variant.Model.Length);
        }

        return published;
    }

    /// <summary>Parses the <c>scope</c> query value (any case; default <see cref="QuantizationScope.SkipDownProjections"/>).</summary>
    public static QuantizationScope? ParseScope(string? text) => text?.ToLowerInvariant() switch
    {
        null or "" or "skip-down-projections" => QuantizationScope.SkipDownProjections,
        "all" => QuantizationScope.All,
        _ => null,
    };

    private static JsonObject Card(string name, long version, ModelConfig? config, JsonElement? sourceCard, QuantizationScope scope, long fp32Bytes, QuantizedModel variant)
    {
        var card = sourceCard is { ValueKind: JsonValueKind.Object } json ? JsonNode.Parse(json.GetRawText())!.AsObject() : [];
        card.Remove("quantization");
        // A published model's card name is unqualified ("churn"), a bundled one's is its folder name.
        string cardName = card["name"]?.GetValueKind() == JsonValueKind.String ? card["name"]!.GetValue<string>() : name[(name.IndexOf('.', StringComparison.Ordinal) + 1)..];
        card["name"] = cardName;
        card.Remove("version");
        card["task"] ??= config?.Task ?? "unspecified";
        string description = card["description"]?.GetValueKind() == JsonValueKind.String ? card["description"]!.GetValue<string>() : config?.Description ?? "";
        card["description"] = $"{description} Int8 dynamically quantised from {name} version {version}.".Trim();
        if (card["labels"] is null && config is { Labels.Count: > 0 })
        {
            card["labels"] = new JsonArray([.. config.Labels.Select(l => (JsonNode)JsonValue.Create(l))]);
        }

        var tags = card["tags"] is JsonArray existing ? existing.Select(t => t?.ToString() ?? "").ToList() : [.. config?.Tags ?? []];
        card["tags"] = new JsonArray([.. tags.Union(["int8", "quantized"], StringComparer.Ordinal).Select(t => (JsonNode)JsonValue.Create(t))]);
        card["quantization"] = new JsonObject
        {
            ["method"] = OnnxQuantizer.Method,
            ["weights"] = "int8, symmetric, one scale per output channel",
            ["activations"] = "uint8, one scale and zero point per tensor, computed at run time (DynamicQuantizeLinear)",
            ["operators"] = "DynamicQuantizeLinear, MatMulInteger, Cast, Mul",
            ["scope"] = scope == QuantizationScope.All ? "all" : "skip-down-projections",
            ["source"] = new JsonObject { ["model"] = name, ["version"] = version },
            ["nodes"] = variant.Nodes,
            ["bytes"] = new JsonObject { ["fp32"] = fp32Bytes, ["int8"] = variant.Model.Length },
        };
        return card;
    }

    [LoggerMessage(EventId = 3205, Level = LogLevel.Information, Message = "Quantised model {Model} version {Version} to {Variant} version {VariantVersion}: {Nodes} nodes int8, {Fp32Bytes} → {Int8Bytes} bytes")]
    private static partial void LogQuantized(ILogger logger, string model, long version, string variant, long variantVersion, int nodes, long fp32Bytes, long int8Bytes);
}
