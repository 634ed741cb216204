using MaaS.Gateway.Endpoints;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace MaaS.Gateway.Hosting;

/// <summary>Swagger (Swashbuckle): the OpenAPI document at /swagger/v1/swagger.json and the UI at /swagger, in every environment.</summary>
internal static class SwaggerExtensions
{
    private static readonly string[] DocumentationFiles = ["MaaS.Gateway.xml", "MaaS.Models.xml", "MaaS.Services.xml"];

    public static IServiceCollection AddGatewaySwagger(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "MaaS gateway",
                Version = "v1",
                Description = "Model-as-a-service: /v1 app API (ProblemDetails errors) and the Open Inference Protocol (KServe V2) under /v2 ({\"error\"} errors).",
            });
            foreach (string name in DocumentationFiles)
            {
                string path = Path.Combine(AppContext.BaseDirectory, name);
                if (File.Exists(path))
                {
                    options.IncludeXmlComments(path);
                }
            }

            // Tensor data is a flat JSON array of numbers, booleans or strings.
            options.MapType<Array>(() => new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema() });
            options.SupportNonNullableReferenceTypes();
            options.OperationFilter<MultipartFormFilter>();
        });
        return services;
    }

    public static IApplicationBuilder UseGatewaySwagger(this IApplicationBuilder app)
    {
        app.UseSwagger();
        app.UseSwaggerUI(options =>
        {
            options.SwaggerEndpoint("/swagger/v1/swagger.json", "MaaS v1");
            options.DocumentTitle = "MaaS gateway";
        });
        return app;
    }
}

/// <summary>Writes the request body of endpoints carrying <see cref="MultipartFormMetadata"/> as <c>multipart/form-data</c>.</summary>
internal sealed class MultipartFormFilter : IOperationFilter
{
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
                }),
            Required = form.Parts.Select(part => part.Name).ToHashSet(),
        };
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, IOpenApiMediaType> { ["multipart/form-data"] = new OpenApiMediaType { Schema = schema } },
        };
    }
}
