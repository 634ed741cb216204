using System.Net.ServerSentEvents;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace MaaS.Gateway.OpenApi;

/// <summary>
/// Describes the schema of an event a streaming endpoint writes (<see cref="SseItem{T}"/>, a framework type without
/// XML docs, so the only schema left undescribed otherwise): how its fields reach the client in the event stream.
/// </summary>
internal sealed class SseItemSchemaFilter : ISchemaFilter
{
    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is OpenApiSchema described && string.IsNullOrEmpty(described.Description)
            && context.Type.IsGenericType && context.Type.GetGenericTypeDefinition() == typeof(SseItem<>))
        {
            described.Description = $"One event of the text/event-stream answer: `eventType` is its `event:` line and `data` its " +
                $"`data:` line, a {context.Type.GenericTypeArguments[0].Name} as JSON.";
        }
    }
}
