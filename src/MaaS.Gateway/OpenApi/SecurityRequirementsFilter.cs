using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace MaaS.Gateway.OpenApi;

/// <summary>
/// The two ways <see cref="ApiKeyAuthenticationHandler"/> reads a key, as security schemes (Swagger UI's Authorize
/// button), and on each operation the requirement its authorization policy implies: either scheme where a key is
/// needed, none where the endpoint is anonymous.
/// </summary>
internal sealed class SecurityRequirementsFilter(IOptions<AuthorizationOptions> authorization) : IOperationFilter
{
    public const string Bearer = "bearer";
    public const string ApiKey = "apiKey";

    public static void AddSchemes(SwaggerGenOptions options)
    {
        const string note = " A key acts for its tenant with its roles: app (inference, events, recommendations, text) and/or admin (keys, " +
            "publishing, the model repository, index rebuilds). With Auth:Enabled=false (local development) keys are not checked.";
        options.AddSecurityDefinition(Bearer, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "The API key as a bearer token: 'Authorization: Bearer <key>'." + note,
        });
        options.AddSecurityDefinition(ApiKey, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = ApiKeyAuthenticationHandler.ApiKeyHeader,
            Description = $"The API key in the '{ApiKeyAuthenticationHandler.ApiKeyHeader}' header (read when there is no Authorization header)." + note,
        });
    }

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var access = EndpointAccess.Of(context.ApiDescription.ActionDescriptor.EndpointMetadata, authorization.Value);
        // Either scheme will do (a list of requirements is an OR); an anonymous operation says so with an empty list
        // (there is no document-wide requirement to override, but saying it explicitly is what linters check).
        operation.Security = access.RequiresKey
            ?
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, context.Document)] = [] },
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKey, context.Document)] = [] },
            ]
            : [];
    }
}
