namespace MaaS.Gateway.Endpoints;

/// <summary>
/// The one way handlers get their request body: minimal APIs bind this parameter by letting <typeparamref name="T"/>
/// read itself (<see cref="IRequestBody{TSelf}"/>, in MaaS.Http), and the handler maps the error of
/// <see cref="Result"/> like any other. Binding never fails, so an unreadable body is answered in the endpoint's own
/// error shape (ProblemDetails on /v1, <c>{"error"}</c> on /v2). The gateway's part is the cost admission charges.
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
