using System.Text.Json.Nodes;

namespace MaaS.Http.OpenApi;

/// <summary>
/// The three error bodies as OpenAPI schemas and examples: the /v1 ProblemDetails as <see cref="ApiProblem"/> and the
/// framework's problem writer produce it (<c>code</c>, <c>traceId</c>, <c>errors[]</c>), the /v2 <c>{"error"}</c>, and
/// OpenAI's <c>{"error": {"message", "type", "param", "code"}}</c> under /openai.
/// </summary>
internal static class ErrorSchemas
{
    public const string ProblemMediaType = "application/problem+json";
    public const string JsonMediaType = "application/json";
    private const string ProblemId = "ProblemDetails";
    private const string FieldProblemId = "FieldProblem";
    private const string TraceId = "00-502cd6aeb05bccea8b1af50386fa9bba-66c810e36db97747-00";

    /// <summary>A reference to the /v1 error schema, registering it (and <c>FieldProblem</c>) on first use.</summary>
    public static IOpenApiSchema Problem(OperationFilterContext context)
    {
        var repository = context.SchemaRepository;
        if (!repository.Schemas.ContainsKey(FieldProblemId))
        {
            repository.Schemas[FieldProblemId] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "One broken rule of the request.",
                Required = new HashSet<string> { "field", "reason" },
                Properties = new Dictionary<string, IOpenApiSchema>
                {
                    ["index"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "Position of the offending element in the request's list (events, items); absent for a top-level field." },
                    ["field"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The field, as a JSON path into the request (events[0].userId)." },
                    ["reason"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "What is wrong; the value itself is never echoed." },
                },
            };
        }

        if (!repository.Schemas.ContainsKey(ProblemId))
        {
            repository.Schemas[ProblemId] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "Every /v1 error (RFC 9457 problem details, application/problem+json). Switch on 'code'; quote 'traceId' when reporting a problem.",
                Required = new HashSet<string> { "type", "title", "status", "code", "traceId" },
                Properties = new Dictionary<string, IOpenApiSchema>
                {
                    ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "https://maas.dev/errors/<code>." },
                    ["title"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Short, stable title of the code." },
                    ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "The HTTP status." },
                    ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "What went wrong, for people." },
                    ["code"] = new OpenApiSchema
                    {
                        Type = JsonSchemaType.String,
                        Description = "The error code: one value per kind of failure, stable across releases.",
                        Enum = [.. Enum.GetNames<ErrorCode>().Select(name => (JsonNode)JsonValue.Create(name))],
                    },
                    ["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "W3C trace id of the request (also in the request log)." },
                    ["errors"] = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Array,
                        Description = "Every broken rule, when the request was validated as a whole.",
                        Items = new OpenApiSchemaReference(FieldProblemId, context.Document),
                    },
                },
            };
        }

        return new OpenApiSchemaReference(ProblemId, context.Document);
    }

    /// <summary>The error shape of the operations at <paramref name="path"/>.</summary>
    public static ErrorShape ShapeOf(PathString path) =>
        path.StartsWithSegments("/v2") ? ErrorShape.OpenInference
        : path.StartsWithSegments(OpenAiProblemDetailsWriter.BasePath) ? ErrorShape.OpenAi
        : ErrorShape.Problem;

    /// <summary>A reference to the schema of <paramref name="shape"/>'s error body.</summary>
    public static IOpenApiSchema Schema(ErrorShape shape, OperationFilterContext context) => shape switch
    {
        ErrorShape.OpenInference => context.SchemaGenerator.GenerateSchema(typeof(V2ErrorResponse), context.SchemaRepository),
        ErrorShape.OpenAi => context.SchemaGenerator.GenerateSchema(typeof(OpenAiErrorResponse), context.SchemaRepository),
        _ => Problem(context),
    };

    /// <summary>An example body of <paramref name="code"/> in <paramref name="shape"/>.</summary>
    public static JsonNode Example(ErrorCode code, ErrorShape shape)
    {
        string detail = Detail(code);
        if (shape == ErrorShape.OpenInference)
        {
            return new JsonObject { ["error"] = detail };
        }

        if (shape == ErrorShape.OpenAi)
        {
            var error = OpenAiError.Of(code, code.StatusCode(), detail, code == ErrorCode.InvalidRequest ? "count" : null);
            return JsonSerializer.SerializeToNode(new OpenAiErrorResponse(error), OpenAiErrorJsonContext.Default.OpenAiErrorResponse)!;
        }

        var problem = new JsonObject
        {
            ["type"] = $"https://maas.dev/errors/{code}",
            ["title"] = code.Title(),
            ["status"] = code.StatusCode(),
            ["detail"] = detail,
            ["code"] = code.ToString(),
            ["traceId"] = TraceId,
        };
        if (code == ErrorCode.InvalidRequest)
        {
            problem["errors"] = new JsonArray(new JsonObject { ["field"] = "count", ["reason"] = "must be 1..100" });
        }

        return problem;
    }

    // Typical wording of each code, to show the shape; the real detail says what was wrong with the request at hand.
    private static string Detail(ErrorCode code) => code switch
    {
        ErrorCode.InvalidRequest => "1 problem(s); first: count: must be 1..100",
        ErrorCode.Unsupported => "the operation is not supported for this model",
        ErrorCode.Unauthorized => "an API key is required: send 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'",
        ErrorCode.Forbidden => "this API key may not do this: it needs the admin role",
        ErrorCode.ModelNotFound => "unknown model: 'nope'",
        ErrorCode.VersionNotFound => "unknown version 9 of model 'example-mlp'",
        ErrorCode.NotFound => "unknown item",
        ErrorCode.Conflict => "the name belongs to another tenant, or the tenant's quota is reached",
        ErrorCode.AlreadyExists => "shared memory region 'input' already in manager",
        ErrorCode.PayloadTooLarge => "the request body is larger than the server accepts",
        ErrorCode.UnsupportedMediaType => "unsupported Content-Type 'text/plain'; JSON bodies need Content-Type: application/json",
        ErrorCode.Overloaded => "the model's queue is full; retry after a moment",
        ErrorCode.RateLimited => "this API key is over its request rate or concurrency limit",
        ErrorCode.ModelNotReady => "model 'example-mlp' is not ready: loading",
        ErrorCode.DependencyUnavailable => "the key store is unavailable; retry later",
        ErrorCode.InferenceFailed => "inference failed",
        ErrorCode.Timeout => "inference did not finish within the configured timeout",
        _ => code.Title().ToLowerInvariant(),
    };
}

/// <summary>The error bodies the gateway answers in, by protocol.</summary>
internal enum ErrorShape
{
    /// <summary>RFC 9457 ProblemDetails (/v1 and the rest).</summary>
    Problem,

    /// <summary>The Open Inference Protocol's <c>{"error": "..."}</c> (/v2).</summary>
    OpenInference,

    /// <summary>OpenAI's error object (/openai).</summary>
    OpenAi,
}
