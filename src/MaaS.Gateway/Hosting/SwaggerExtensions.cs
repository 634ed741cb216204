using Microsoft.OpenApi;

namespace MaaS.Gateway.Hosting;

/// <summary>
/// Swagger (Swashbuckle): the OpenAPI document at /swagger/v1/swagger.json and the UI at /swagger, in every
/// environment. What the document says beyond the handlers' signatures comes from endpoint metadata through the
/// filters in <see cref="OpenApi"/>: security per policy, every error status, examples, tags in app-first order.
/// </summary>
internal static class SwaggerExtensions
{
    public const string DocumentPath = "/swagger/v1/swagger.json";

    public static IServiceCollection AddGatewaySwagger(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "MaaS gateway",
                Version = "v1",
                Description = "Model-as-a-service: the /v1 app API (recommendations, events, catalogue, text, models; errors are ProblemDetails " +
                    "with 'code' and 'traceId') and the Open Inference Protocol (KServe V2) under /v2 (errors are {\"error\": \"...\"}). " +
                    "Every call but health and server metadata needs an API key: use Authorize, then Try it out; the examples work " +
                    "against a fresh gateway (bundled models, demo data).",
            });
            options.IncludeXmlDocumentation(typeof(SwaggerExtensions).Assembly);

            // Tensor data is a flat JSON array of numbers, booleans or strings.
            options.MapType<Array>(() => new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema() });
            // An input's data as sent: a flat or nested JSON array (the parser's record of it is no part of the contract).
            options.MapType<MaaS.Models.OpenInference.V2TensorData>(() => new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema() });
            options.SupportNonNullableReferenceTypes();
            // Grouped by tag in ApiTags order; within a tag, in the order the endpoints are mapped (OrderBy is stable).
            options.OrderActionsBy(api => ApiTags.Order(api.ActionDescriptor.EndpointMetadata.OfType<ITagsMetadata>().LastOrDefault()?.Tags is [var tag, ..] ? tag : null)
                .ToString("D2", System.Globalization.CultureInfo.InvariantCulture));
            SecurityRequirementsFilter.AddSchemes(options);
            options.OperationFilter<MultipartFormFilter>();
            options.OperationFilter<ExamplesFilter>();
            options.OperationFilter<SecurityRequirementsFilter>();
            options.OperationFilter<ErrorResponsesFilter>();
            options.OperationFilter<PagedListFilter>();
            options.SchemaFilter<AlternativeAnswersFilter>();
            options.SchemaFilter<SseItemSchemaFilter>();
            options.SchemaFilter<ContractSchemaFilter>();
            options.DocumentFilter<TagsDocumentFilter>();
            options.DocumentFilter<OpenAnswersDocumentFilter>();
        });
        return services;
    }

    /// <summary>
    /// The document and the UI, in a branch taken only by paths under <c>/swagger</c>, the only ones they answer: in the
    /// main pipeline their two middlewares ran on every request (the document's on each one resolving its generator
    /// from a request scope), and each added an async frame to a request that completes later, such as an inference
    /// waiting for its batch.
    /// </summary>
    public static IApplicationBuilder UseGatewaySwagger(this IApplicationBuilder app) =>
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/swagger"), branch => branch.UseSwaggerDocumentAndUi());

    private static IApplicationBuilder UseSwaggerDocumentAndUi(this IApplicationBuilder app)
    {
        app.UseSwagger(options =>
            // Relative to where the document was fetched from, so Try it out calls this gateway however it is reached
            // (directly, or through a proxy that mounts it under a path base).
            options.PreSerializeFilters.Add((document, request) =>
                document.Servers = [new OpenApiServer { Url = request.PathBase.HasValue ? request.PathBase.Value : "/", Description = "This gateway" }]));
        app.UseSwaggerUI(options =>
        {
            options.SwaggerEndpoint(DocumentPath, "MaaS v1");
            options.DocumentTitle = "MaaS gateway";
        });
        return app;
    }
}
