using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http.Features;

namespace MaaS.Http.Requests;

/// <summary>Reads JSON request bodies with source-generated metadata, whatever the Content-Type, and words every failure the same way.</summary>
internal static class JsonBody
{
    /// <summary>Routing and OpenAPI metadata for a JSON body of type <typeparamref name="T"/>.</summary>
    public static AcceptsMetadata Accepts<T>(params string[] contentTypes) => new(contentTypes, typeof(T));

    /// <summary>Routing and OpenAPI metadata for an optional JSON body of type <typeparamref name="T"/>, read by <see cref="ReadOptionalAsync"/>.</summary>
    public static AcceptsMetadata AcceptsOptional<T>() => new(["application/json"], typeof(T), isOptional: true);

    /// <summary>
    /// Reads an optional JSON body as minimal API binding read one, for endpoints whose answers predate the gateway's <c>Body&lt;T&gt;</c>:
    /// no body, or <c>null</c>, reaches <paramref name="bind"/> as null; with <paramref name="jsonContentTypeOnly"/> a body
    /// that is not JSON-typed is 415; JSON that does not parse is worded as the framework's binding failures are
    /// (<see cref="BadRequests.NotJson"/>).
    /// </summary>
    /// <param name="request">The request.</param>
    /// <param name="type">The contract's JSON metadata.</param>
    /// <param name="bind">Makes the endpoint's body, or its error, of the contract read (null when none was sent). Pass a
    /// static lambda: it is cached, so a request allocates nothing for it.</param>
    /// <param name="jsonContentTypeOnly">Refuse a body whose Content-Type is not JSON (415) instead of reading it as JSON.</param>
    public static async ValueTask<Result<TBody>> ReadOptionalAsync<T, TBody>(
        HttpRequest request, JsonTypeInfo<T> type, Func<T?, Result<TBody>> bind, bool jsonContentTypeOnly = false)
        where T : class
    {
        if (request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false })
        {
            return bind(null);
        }

        // Routing refuses a body of another media type already; what reaches here is a body sent without one, worded as
        // routing's 415 is.
        if (jsonContentTypeOnly && !request.HasJsonContentType())
        {
            return new Error(ErrorCode.UnsupportedMediaType, FrameworkProblems.Describe(StatusCodes.Status415UnsupportedMediaType, request.HttpContext)!);
        }

        T? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync(request.Body, type, request.HttpContext.RequestAborted);
        }
        catch (JsonException e)
        {
            return NotJson(e, type);
        }

        return bind(body);
    }

    /// <summary>
    /// Parses an optional JSON body already read as bytes (by an endpoint that reads it its own way first), with the
    /// answers of <see cref="ReadOptionalAsync"/>: <c>null</c> reaches <paramref name="bind"/> as null, JSON that does
    /// not parse is worded as <see cref="BadRequests.NotJson"/>, an unknown member names it.
    /// </summary>
    /// <param name="json">The whole body.</param>
    /// <param name="type">The contract's JSON metadata.</param>
    /// <param name="bind">Makes the endpoint's body, or its error, of the contract read.</param>
    public static Result<TBody> ReadOptional<T, TBody>(ReadOnlySpan<byte> json, JsonTypeInfo<T> type, Func<T?, Result<TBody>> bind)
        where T : class
    {
        T? body;
        try
        {
            body = JsonSerializer.Deserialize(json, type);
        }
        catch (JsonException e)
        {
            return NotJson(e, type);
        }

        return bind(body);
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
            return Unparsable(e, type);
        }
    }

    /// <summary>
    /// Parses the body as one JSON document, whatever the Content-Type, and hands its root to <paramref name="read"/>,
    /// for a body read member by member rather than bound to a contract (the logging and trace extensions' settings,
    /// whose members carry JSON types of their own).
    /// </summary>
    /// <param name="request">The request.</param>
    /// <param name="read">What the document means, or why it means nothing.</param>
    public static async ValueTask<Result<T>> ReadDocumentAsync<T>(HttpRequest request, Func<JsonElement, Result<T>> read)
    {
        try
        {
            using var json = await JsonDocument.ParseAsync(request.Body, default, request.HttpContext.RequestAborted);
            return read(json.RootElement);
        }
        catch (JsonException e)
        {
            return new Error(ErrorCode.InvalidRequest, $"failed to parse the request JSON: {BadRequests.Json(e)}");
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
            return Unparsable(e, type);
        }
    }

    private static Result<T> NotNull<T>(T? body, T? whenNull)
        where T : class =>
        (body ?? whenNull) is { } value ? value : Result<T>.Fail(ErrorCode.InvalidRequest, "the request body is empty");

    private static Error Unparsable(JsonException e, JsonTypeInfo type) =>
        BadRequests.UnknownMember(e, type) is { } member ? Error.Invalid([member]) : new(ErrorCode.InvalidRequest, $"failed to parse the request JSON: {BadRequests.Json(e, type)}");

    // A member the contract does not have is a field problem at its path, as validation words every other broken rule.
    private static Error NotJson(JsonException e, JsonTypeInfo type) =>
        BadRequests.UnknownMember(e, type) is { } member ? Error.Invalid([member]) : new(ErrorCode.InvalidRequest, BadRequests.NotJson(e, type));
}
