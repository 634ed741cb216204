using System.Text.Json.Serialization;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace MaaS.Http.OpenApi;

/// <summary>
/// Says in the schema of a request contract that refuses unknown members
/// (<see cref="JsonUnmappedMemberHandlingAttribute"/> with <see cref="JsonUnmappedMemberHandling.Disallow"/>, a 400
/// naming the member) that it has no others: <c>additionalProperties: false</c>, which Swashbuckle does not derive
/// from the attribute itself. Free-form members (a dictionary such as an agent's context) keep their own open schema.
/// </summary>
internal sealed class StrictMembersSchemaFilter : ISchemaFilter
{
    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is OpenApiSchema described
            && context.Type.GetCustomAttribute<JsonUnmappedMemberHandlingAttribute>() is { UnmappedMemberHandling: JsonUnmappedMemberHandling.Disallow })
        {
            described.AdditionalPropertiesAllowed = false;
        }
    }
}
