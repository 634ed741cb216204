using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;

namespace MaaS.Http.OpenApi;

/// <summary>
/// The example OpenAPI shows (and Swagger UI pre-fills) for a route or query parameter. Put on a route group it covers
/// every endpoint below; an endpoint's own example for the same name wins (the last one in the metadata).
/// </summary>
/// <param name="Name">The parameter's name.</param>
/// <param name="Value">A value that works against a fresh gateway (bundled models, demo data).</param>
internal sealed record ParameterExampleMetadata(string Name, JsonNode Value);

/// <summary>The example request body OpenAPI shows (and Swagger UI pre-fills); it must succeed against a fresh gateway.</summary>
/// <param name="Value">The body.</param>
internal sealed record RequestExampleMetadata(JsonNode Value);

/// <summary>Examples as endpoint metadata, read by <see cref="ExamplesFilter"/>.</summary>
internal static class ExampleMetadataExtensions
{
    /// <summary>An example for the parameter <paramref name="name"/>.</summary>
    public static TBuilder WithParameterExample<TBuilder>(this TBuilder builder, string name, string value)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ParameterExampleMetadata(name, JsonValue.Create(value)));

    /// <summary>An example for the numeric parameter <paramref name="name"/>.</summary>
    public static TBuilder WithParameterExample<TBuilder>(this TBuilder builder, string name, int value)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ParameterExampleMetadata(name, JsonValue.Create(value)));

    /// <summary>An example for the boolean parameter <paramref name="name"/>.</summary>
    public static TBuilder WithParameterExample<TBuilder>(this TBuilder builder, string name, bool value)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ParameterExampleMetadata(name, JsonValue.Create(value)));

    /// <summary>An example request body, given as JSON text; text that is not JSON fails at start-up, not in the document.</summary>
    public static TBuilder WithRequestExample<TBuilder>(this TBuilder builder, [StringSyntax(StringSyntaxAttribute.Json)] string json)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequestExampleMetadata(JsonNode.Parse(json) ?? throw new ArgumentException("an example body cannot be null", nameof(json))));
}
