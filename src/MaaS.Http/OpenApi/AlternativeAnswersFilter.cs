using System.Text.Json.Serialization;

namespace MaaS.Http.OpenApi;

/// <summary>
/// Documents an answer written in one of several shapes as <c>anyOf</c> the shapes: a base type whose
/// <see cref="JsonDerivedTypeAttribute"/>s name the shapes and no discriminator (the serializer writes the derived
/// type's members only), as decide's single and multi-slot answers are. Swashbuckle would describe the base type's own
/// (no) members, and a client generated from the document would read every answer as neither shape.
/// <c>anyOf</c>, not <c>oneOf</c>: answer schemas are open (<see cref="OpenAnswersDocumentFilter"/>), so one JSON
/// object may match both shapes, and redocly's <c>no-illogical-composition-keywords</c> refuses such a <c>oneOf</c>.
/// </summary>
internal sealed class AlternativeAnswersFilter : ISchemaFilter
{
    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        var shapes = context.Type.GetCustomAttributes<JsonDerivedTypeAttribute>(inherit: false).ToList();
        if (schema is not OpenApiSchema described || shapes.Count == 0 || shapes.Any(shape => shape.TypeDiscriminator is not null))
        {
            return;
        }

        described.Type = null;
        described.Properties = null;
        described.Required = null;
        described.AnyOf = [.. shapes.Select(shape => context.SchemaGenerator.GenerateSchema(shape.DerivedType, context.SchemaRepository))];
    }
}
