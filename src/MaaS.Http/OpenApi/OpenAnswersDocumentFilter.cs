namespace MaaS.Http.OpenApi;

/// <summary>
/// Every schema a 2xx answer holds, however deep, is open to other members (no <c>additionalProperties: false</c>),
/// so a client generated with strict validation does not reject a member a later version adds to an answer. This
/// wins over <see cref="ContractSchemaFilter"/> where one contract is both a request and part of an answer (an
/// agent's definition in its answer, a key's limits): the gateway still refuses an unknown member in the request
/// with a 400 naming it; the document only stops promising that the answer never grows.
/// </summary>
internal sealed class OpenAnswersDocumentFilter : IDocumentFilter
{
    public void Apply(OpenApiDocument swaggerDoc, DocumentFilterContext context)
    {
        var components = swaggerDoc.Components?.Schemas;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var answers = swaggerDoc.Paths.Values
            .SelectMany(path => path.Operations?.Values.AsEnumerable() ?? [])
            .SelectMany(operation => operation.Responses ?? [])
            .Where(response => response.Key.StartsWith('2'))
            .SelectMany(response => response.Value.Content?.Values.AsEnumerable() ?? [])
            .Select(media => media.Schema);
        foreach (var schema in answers)
        {
            Open(schema);
        }

        void Open(IOpenApiSchema? schema)
        {
            if (schema is OpenApiSchemaReference { Reference.Id: { } id })
            {
                if (seen.Add(id) && components?.TryGetValue(id, out var target) == true)
                {
                    Open(target);
                }

                return;
            }

            if (schema is not OpenApiSchema described)
            {
                return;
            }

            described.AdditionalPropertiesAllowed = true;
            foreach (var inner in (described.Properties?.Values ?? []).Concat(described.AllOf ?? []).Concat(described.OneOf ?? []).Concat(described.AnyOf ?? []))
            {
                Open(inner);
            }

            Open(described.Items);
            Open(described.AdditionalProperties);
        }
    }
}
