namespace MaaS.Http.Requests;

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
