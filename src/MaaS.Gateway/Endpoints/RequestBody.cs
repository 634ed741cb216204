using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Features;

namespace MaaS.Gateway.Endpoints;

/// <summary>A request body type: how it is read, and what routing accepts and OpenAPI documents for it.</summary>
/// <typeparam name="TSelf">The body type itself.</typeparam>
internal interface IRequestBody<TSelf>
    where TSelf : IRequestBody<TSelf>
{
    /// <summary>The content types routing accepts (<c>*/*</c> where any is read as JSON) and the documented schema.</summary>
    static abstract AcceptsMetadata Accepts { get; }

    /// <summary>Reads the body: the value, or the error saying why the body is unusable (never an exception for a bad body).</summary>
    static abstract ValueTask<Result<TSelf>> ReadAsync(HttpRequest request);
}

/// <summary>
/// A required JSON body, read with <see cref="JsonBody.ReadAsync"/> whatever the Content-Type and documented as
/// <c>application/json</c>: the type names only its source-generated metadata.
/// </summary>
/// <typeparam name="TSelf">The body type itself.</typeparam>
internal interface IJsonRequestBody<TSelf> : IRequestBody<TSelf>
    where TSelf : class, IJsonRequestBody<TSelf>
{
    /// <summary>The body's source-generated JSON metadata.</summary>
    static abstract JsonTypeInfo<TSelf> JsonType { get; }

    static AcceptsMetadata IRequestBody<TSelf>.Accepts => JsonBody.Accepts<TSelf>("application/json");

    static ValueTask<Result<TSelf>> IRequestBody<TSelf>.ReadAsync(HttpRequest request) => JsonBody.ReadAsync(request, TSelf.JsonType);
}

/// <summary>
/// The one way handlers get their request body: minimal APIs bind this parameter by letting <typeparamref name="T"/>
/// read itself, and the handler maps the error of <see cref="Result"/> like any other. Binding never fails, so an
/// unreadable body is answered in the endpoint's own error shape (ProblemDetails on /v1, <c>{"error"}</c> on /v2).
/// </summary>
internal sealed class Body<T>(Result<T> result) : IBindableFromHttpContext<Body<T>>, IEndpointParameterMetadataProvider, ICostedBody
    where T : IRequestBody<T>
{
    public Result<T> Result { get; } = result;

    long? ICostedBody.WorkCost => Result.IsSuccess ? (Result.Value is IWorkCost cost ? Math.Max(1, cost.WorkCost) : 1) : null;

    // Pooled: binding is on every request's path and must not add an allocation to it when the read goes async.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<Body<T>?> BindAsync(HttpContext context, ParameterInfo parameter) =>
        new(await T.ReadAsync(context.Request));

    public static void PopulateMetadata(ParameterInfo parameter, EndpointBuilder builder) => builder.Metadata.Add(T.Accepts);
}

/// <summary>Reads JSON request bodies with source-generated metadata, whatever the Content-Type, and words every failure the same way.</summary>
internal static class JsonBody
{
    /// <summary>Routing and OpenAPI metadata for a JSON body of type <typeparamref name="T"/>.</summary>
    public static AcceptsMetadata Accepts<T>(params string[] contentTypes) => new(contentTypes, typeof(T));

    /// <summary>Routing and OpenAPI metadata for an optional JSON body of type <typeparamref name="T"/>, read by <see cref="ReadOptionalAsync"/>.</summary>
    public static AcceptsMetadata AcceptsOptional<T>() => new(["application/json"], typeof(T), isOptional: true);

    /// <summary>
    /// Reads an optional JSON body as minimal API binding read one, for endpoints whose answers predate <see cref="Body{T}"/>:
    /// no body, or <c>null</c>, is <paramref name="whenAbsent"/>, and JSON that does not parse is worded as the
    /// framework's binding failures are (<see cref="BadRequests.NotJson"/>).
    /// </summary>
    /// <param name="request">The request.</param>
    /// <param name="type">The contract's JSON metadata.</param>
    /// <param name="whenAbsent">The value, or the error, of a request without a body.</param>
    public static async ValueTask<Result<T>> ReadOptionalAsync<T>(HttpRequest request, JsonTypeInfo<T> type, Result<T> whenAbsent)
        where T : class
    {
        if (request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false })
        {
            return whenAbsent;
        }

        try
        {
            return await JsonSerializer.DeserializeAsync(request.Body, type, request.HttpContext.RequestAborted) is { } body ? body : whenAbsent;
        }
        catch (JsonException e)
        {
            return new Error(ErrorCode.InvalidRequest, BadRequests.NotJson(e));
        }
    }

    /// <summary>Streams the body into the parser.</summary>
    /// <param name="request">The request.</param>
    /// <param name="type">The contract's JSON metadata.</param>
    /// <param name="whenNull">The value of a <c>null</c> body; without one, null is the error "the request body is empty".</param>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<Result<T>> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> type, T? whenNull = null)
        where T : class
    {
        try
        {
            return NotNull(await JsonSerializer.DeserializeAsync(request.Body, type, request.HttpContext.RequestAborted), whenNull);
        }
        catch (JsonException e)
        {
            return Unparsable(e);
        }
    }

    /// <summary>Parses JSON already read (the JSON part of a body that carries binary data after it).</summary>
    /// <param name="json">The JSON bytes.</param>
    /// <param name="type">The contract's JSON metadata.</param>
    /// <param name="whenNull">The value of a <c>null</c> body; without one, null is the error "the request body is empty".</param>
    public static Result<T> Parse<T>(ReadOnlySpan<byte> json, JsonTypeInfo<T> type, T? whenNull = null)
        where T : class
    {
        try
        {
            return NotNull(JsonSerializer.Deserialize(json, type), whenNull);
        }
        catch (JsonException e)
        {
            return Unparsable(e);
        }
    }

    private static Result<T> NotNull<T>(T? body, T? whenNull)
        where T : class =>
        (body ?? whenNull) is { } value ? value : Result<T>.Fail(ErrorCode.InvalidRequest, "the request body is empty");

    private static Error Unparsable(JsonException e) => new(ErrorCode.InvalidRequest, $"failed to parse the request JSON: {e.Message}");
}
