namespace MaaS.Gateway.Endpoints.V1;

/// <summary>
/// An optional JSON body of a recommendation contract, read as minimal API binding read it before <see cref="Body{T}"/>,
/// so the answers stay the same: no body, or <c>null</c>, is a null <see cref="Value"/> the service words itself; a body
/// that is not JSON-typed is 415, JSON that does not parse the framework's wording (<see cref="BadRequests.NotJson"/>).
/// The contracts live in MaaS.Services and cannot read themselves, hence the wrapper.
/// </summary>
/// <typeparam name="T">The request contract, registered in <see cref="Contracts.V1.RecommendationsJsonContext"/>.</typeparam>
/// <param name="Value">The request, or null when none was sent.</param>
internal readonly record struct RecommendationBody<T>(T? Value) : IRequestBody<RecommendationBody<T>>, IWorkCost
    where T : class
{
    long IWorkCost.WorkCost => WorkCosts.Request(Value);

    public static AcceptsMetadata Accepts => JsonBody.AcceptsOptional<T>();

    // The HTTP options' metadata, not the context's own: they carry the gateway's JSON limits (MaxDepth).
    public static ValueTask<Result<RecommendationBody<T>>> ReadAsync(HttpRequest request) =>
        JsonBody.ReadOptionalAsync<T, RecommendationBody<T>>(request, request.HttpContext.RequestServices.GetRequiredService<HttpJsonContract<T>>().Type,
            static value => new RecommendationBody<T>(value), jsonContentTypeOnly: true);
}
