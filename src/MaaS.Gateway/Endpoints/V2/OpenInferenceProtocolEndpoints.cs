namespace MaaS.Gateway.Endpoints.V2;

/// <summary>Maps the Open Inference Protocol (KServe V2) under <c>/v2</c>.</summary>
internal static class OpenInferenceProtocolEndpoints
{
    public static IEndpointRouteBuilder MapOpenInferenceProtocol(this IEndpointRouteBuilder app)
    {
        var v2 = app.MapGroup("/v2").WithTags(ApiTags.OpenInference)
            // The bundled example model and its one version: every /v2 example runs against it on a fresh gateway.
            .WithParameterExample("name", "example-mlp")
            .WithParameterExample("version", "1");
        v2.MapServerV2();
        v2.MapStatisticsV2();
        v2.MapModelsV2();
        v2.MapInferV2();
        v2.MapRepositoryV2();
        v2.MapLoggingV2();
        v2.MapTraceV2();
        v2.MapSharedMemoryV2();
        return app;
    }
}
