using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace MaaS.Http.OpenApi;

/// <summary>
/// Writes into a contract's schema what its attributes promise and Swashbuckle does not derive itself:
/// <list type="bullet">
/// <item>a request contract that refuses unknown members (<see cref="JsonUnmappedMemberHandlingAttribute"/> with
/// <see cref="JsonUnmappedMemberHandling.Disallow"/>, a 400 naming the member) has no others:
/// <c>additionalProperties: false</c>. Every other schema says nothing (absent means allowed): Swashbuckle marks every
/// object it generates closed (Swashbuckle.AspNetCore#3666), which told generated clients that an answer such as
/// <c>PingResponse</c> never gains a member. Free-form members (a dictionary such as an agent's context) keep their own
/// open schema; <see cref="OpenAnswersDocumentFilter"/> reopens a contract that an answer also holds;</item>
/// <item>a property's <see cref="AllowedValuesAttribute"/> words are its <c>enum</c> (a job's <c>status</c>), so Swagger UI
/// and generated clients know every value an answer can hold.</item>
/// </list>
/// </summary>
internal sealed class ContractSchemaFilter : ISchemaFilter
{
    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is not OpenApiSchema described)
        {
            return;
        }
        described.AdditionalPropertiesAllowed =
            context.Type.GetCustomAttribute<JsonUnmappedMemberHandlingAttribute>() is not { UnmappedMemberHandling: JsonUnmappedMemberHandling.Disallow };
        if (described.Properties is not { Count: > 0 } properties)
        {
            return;
        }
        foreach (var property in context.Type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetCustomAttribute<AllowedValuesAttribute>() is { } allowed
                && properties.FirstOrDefault(p => string.Equals(p.Key, property.Name, StringComparison.OrdinalIgnoreCase)).Value is OpenApiSchema member)
            {
                member.Enum = [.. allowed.Values.Select(v => (JsonNode)JsonValue.Create(v?.ToString() ?? string.Empty))];
            }
        }
    }
}
