using System.Text.Json.Nodes;

namespace MaaS.Http.OpenApi;

/// <summary>
/// Writes the request body of endpoints carrying <see cref="MultipartFormMetadata"/> as <c>multipart/form-data</c>:
/// a binary property per file (Swagger UI shows a file input), a string per text field with its example and, for a
/// JSON field, its media type.
/// </summary>
internal sealed class MultipartFormFilter : IOperationFilter
{
    private const string MediaType = "multipart/form-data";

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<MultipartFormMetadata>().LastOrDefault() is not { } form)
        {
            return;
        }

        var schema = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Properties = form.Parts.ToDictionary(
                part => part.Name,
                IOpenApiSchema (part) => new OpenApiSchema
                {
                    Type = JsonSchemaType.String,
                    Format = part.IsFile ? "binary" : null,
                    Description = part.Description,
                    Examples = part.Example is { } example ? [JsonValue.Create(example)] : null,
                }),
            Required = form.Parts.Select(part => part.Name).ToHashSet(),
        };
        var encoding = form.Parts
            .Where(part => part.ContentType is not null)
            .ToDictionary(part => part.Name, part => new OpenApiEncoding { ContentType = part.ContentType });
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, IOpenApiMediaType>
            {
                [MediaType] = new OpenApiMediaType { Schema = schema, Encoding = encoding.Count > 0 ? encoding : null },
            },
        };
    }
}
