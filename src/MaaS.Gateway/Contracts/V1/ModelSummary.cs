using System.Text.Json;
using System.Text.Json.Serialization;

namespace MaaS.Gateway.Contracts.V1;

/// <summary>A model as apps see it (<c>GET /v1/models</c>).</summary>
/// <param name="Name">Model name.</param>
/// <param name="Task">What it does (sentiment, tagging, classification...).</param>
/// <param name="Description">Free text.</param>
/// <param name="Tags">Search tags.</param>
/// <param name="Labels">Output classes in output order.</param>
/// <param name="DefaultVersion">Version served when none is named.</param>
/// <param name="Ready">Whether the default version serves.</param>
/// <param name="Reason">Why not, if not.</param>
/// <param name="Versions">Every known version.</param>
internal sealed record ModelSummary(
    string Name,
    string? Task,
    string? Description,
    IReadOnlyList<string> Tags,
    IReadOnlyList<string> Labels,
    long? DefaultVersion,
    bool Ready,
    string? Reason,
    IReadOnlyList<ModelVersionSummary> Versions);

/// <summary>One version of a model.</summary>
/// <param name="Version">Version number.</param>
/// <param name="State">Ready, Unavailable, Loading or Unloading.</param>
/// <param name="Ready">Loaded and healthy.</param>
/// <param name="Reason">Why not ready, if not.</param>
/// <param name="Platform">Runtime platform.</param>
/// <param name="LoadedAt">When it was loaded.</param>
/// <param name="Card">The version's model card (card.json).</param>
internal sealed record ModelVersionSummary(long Version, string State, bool Ready, string? Reason, string? Platform, DateTimeOffset? LoadedAt, JsonElement? Card);

/// <summary>Source-generated JSON for /v1 model contracts (web defaults: camelCase).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ModelSummary))]
[JsonSerializable(typeof(List<ModelSummary>))]
internal sealed partial class V1ModelsJsonContext : JsonSerializerContext;
