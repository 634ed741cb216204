using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace MaaS.Http.OpenApi;

/// <summary>
/// Documents every error an operation can answer, in its protocol's shape (ProblemDetails on /v1, <c>{"error"}</c>
/// on /v2, OpenAI's error object under /openai), one response per status listing the codes behind it, from three sources: the endpoint's own error codes
/// (<see cref="ErrorResponsesMetadata"/>, put there by its typed error results), what reading its request can fail
/// with (a body: malformed 400 and Kestrel's 413; a body restricted to named media types: routing's 415; a route or
/// query value that must parse: 400), and what its authorization policy adds (a key: 401, the per-key rate limit's
/// 429, the key store's 503; a role or ownership: 403).
/// </summary>
internal sealed class ErrorResponsesFilter(IOptions<AuthorizationOptions> authorization) : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var api = context.ApiDescription;
        var metadata = api.ActionDescriptor.EndpointMetadata;
        var codes = metadata.OfType<ErrorResponsesMetadata>().SelectMany(m => m.Codes)
            .Concat(RequestErrors(api, metadata))
            .Concat(AccessErrors(EndpointAccess.Of(metadata, authorization.Value)))
            .Distinct()
            .ToList();
        if (codes.Count == 0)
        {
            return;
        }

        var shape = ErrorSchemas.ShapeOf(new PathString("/" + api.RelativePath));
        string mediaType = shape == ErrorShape.Problem ? ErrorSchemas.ProblemMediaType : ErrorSchemas.JsonMediaType;
        var schema = ErrorSchemas.Schema(shape, context);
        operation.Responses ??= [];
        foreach (var status in codes.GroupBy(code => code.StatusCode()).OrderBy(g => g.Key))
        {
            string key = status.Key.ToString(System.Globalization.CultureInfo.InvariantCulture);
            string description = string.Join("; ", status.Select(code => code.Title()).Distinct());
            var examples = status.ToDictionary(
                code => code.ToString(),
                IOpenApiExample (code) => new OpenApiExample { Summary = code.Title(), Value = ErrorSchemas.Example(code, shape) });
            if (operation.Responses.TryGetValue(key, out var existing) && existing is OpenApiResponse answer)
            {
                Merge(answer, description, mediaType, schema, examples);
            }
            else
            {
                operation.Responses[key] = new OpenApiResponse
                {
                    Description = description,
                    Content = new Dictionary<string, IOpenApiMediaType> { [mediaType] = new OpenApiMediaType { Schema = schema, Examples = examples } },
                };
            }

            AddHeaders((OpenApiResponse)operation.Responses[key], status.Key);
        }
    }

    private static IEnumerable<ErrorCode> RequestErrors(Microsoft.AspNetCore.Mvc.ApiExplorer.ApiDescription api, IList<object> metadata)
    {
        var accepts = metadata.OfType<IAcceptsMetadata>().LastOrDefault();
        if (accepts is not null || metadata.OfType<MultipartFormMetadata>().Any())
        {
            yield return ErrorCode.InvalidRequest;
            yield return ErrorCode.PayloadTooLarge;
        }

        if (accepts is not null && !accepts.ContentTypes.Contains("*/*"))
        {
            yield return ErrorCode.UnsupportedMediaType;
        }

        if (api.ParameterDescriptions.Any(p => (p.Source == BindingSource.Path || p.Source == BindingSource.Query)
            && p.Type is { } type && (Nullable.GetUnderlyingType(type) ?? type) != typeof(string)))
        {
            yield return ErrorCode.InvalidRequest;
        }
    }

    private static IEnumerable<ErrorCode> AccessErrors(EndpointAccess access)
    {
        if (access.RequiresKey)
        {
            yield return ErrorCode.Unauthorized;
            yield return ErrorCode.RateLimited;
            // The key is checked against the key store (cached); an unreachable store refuses rather than guesses.
            yield return ErrorCode.DependencyUnavailable;
        }

        if (access.MayForbid)
        {
            yield return ErrorCode.Forbidden;
        }
    }

    // A status the endpoint already documents with a body of its own (a model that is not ready: 503 with its readiness)
    // answers either that body or the error.
    private static void Merge(OpenApiResponse answer, string description, string mediaType, IOpenApiSchema schema, Dictionary<string, IOpenApiExample> examples)
    {
        answer.Description = $"{answer.Description}; {description}";
        answer.Content ??= new Dictionary<string, IOpenApiMediaType>();
        if (answer.Content.TryGetValue(mediaType, out var existing) && existing is OpenApiMediaType media && media.Schema is { } own)
        {
            media.Schema = new OpenApiSchema { OneOf = [own, schema] };
            media.Examples = examples;
        }
        else
        {
            answer.Content[mediaType] = new OpenApiMediaType { Schema = schema, Examples = examples };
        }
    }

    private static void AddHeaders(OpenApiResponse response, int status)
    {
        if (status == StatusCodes.Status429TooManyRequests)
        {
            response.Headers ??= new Dictionary<string, IOpenApiHeader>();
            response.Headers["Retry-After"] = new OpenApiHeader
            {
                Description = "Seconds to wait before retrying.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
                Example = JsonValue.Create(ApiErrors.RetryAfterSeconds),
            };
        }
        else if (status == StatusCodes.Status401Unauthorized)
        {
            response.Headers ??= new Dictionary<string, IOpenApiHeader>();
            response.Headers["WWW-Authenticate"] = new OpenApiHeader
            {
                Description = "The bearer challenge; error=\"invalid_token\" when a key was sent but refused.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                Example = JsonValue.Create("Bearer realm=\"maas\""),
            };
        }
    }
}
