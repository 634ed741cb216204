namespace MaaS.Gateway.Endpoints.V2;

/// <summary>Maps the Open Inference Protocol (KServe V2) under <c>/v2</c>.</summary>
internal static class OpenInferenceProtocolEndpoints
{
    public static IEndpointRouteBuilder MapOpenInferenceProtocol(this IEndpointRouteBuilder app)
    {
        var v2 = app.MapGroup("/v2").WithTags("Open Inference Protocol (V2)");
        v2.MapServerEndpoints();
        v2.MapStatisticsEndpoints();
        v2.MapModelEndpoints();
        v2.MapInferEndpoints();
        v2.MapRepositoryEndpoints();
        return app;
    }
}
