namespace MaaS.Http.OpenApi;

/// <summary>
/// Puts each endpoint's examples (<see cref="ParameterExampleMetadata"/>, <see cref="RequestExampleMetadata"/>) on its
/// parameters and on every media type of its request body, so Swagger UI's Try it out starts from a request that works.
/// </summary>
internal sealed class ExamplesFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
        {
            if (metadata.OfType<ParameterExampleMetadata>().LastOrDefault(e => e.Name == parameter.Name) is { } example)
            {
                parameter.Example = example.Value.DeepClone();
            }
        }

        if (metadata.OfType<RequestExampleMetadata>().LastOrDefault() is { } body && operation.RequestBody?.Content is { } content)
        {
            foreach (var media in content.Values.OfType<OpenApiMediaType>())
            {
                media.Example = body.Value.DeepClone();
            }
        }
    }
}
