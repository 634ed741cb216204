namespace MaaS.Http.Errors;

/// <summary>
/// The expected failures of a group of endpoints. Typed error results are generic over one
/// (<see cref="ApiProblem{TErrors}"/>, <see cref="V2Error{TErrors}"/>), so the handler's signature tells OpenAPI exactly
/// which statuses it answers, each derived through <see cref="ApiErrors.StatusCode"/>.
/// </summary>
internal interface IErrorSet
{
    /// <summary>The error codes the endpoints can answer.</summary>
    static abstract IReadOnlyList<ErrorCode> Codes { get; }
}

/// <summary>
/// The error codes an endpoint can answer, in its protocol's error shape (ProblemDetails on /v1, <c>{"error"}</c> on
/// /v2). The OpenAPI document gives one response per distinct status (<see cref="ApiErrors.StatusCode"/>), next to
/// what the request and the authorization policy add on their own.
/// </summary>
/// <param name="Codes">The codes.</param>
internal sealed record ErrorResponsesMetadata(IReadOnlyList<ErrorCode> Codes);

internal static class ErrorSetMetadata
{
    /// <summary>Documents the codes of <typeparamref name="TErrors"/> on the endpoint.</summary>
    public static void Add<TErrors>(EndpointBuilder builder)
        where TErrors : IErrorSet =>
        builder.Metadata.Add(new ErrorResponsesMetadata(TErrors.Codes));

    /// <summary>Documents error answers an endpoint gives without a typed error result (a bare status the status-code pages word).</summary>
    public static TBuilder ProducesErrors<TBuilder>(this TBuilder builder, params ErrorCode[] codes)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ErrorResponsesMetadata(codes));
}
