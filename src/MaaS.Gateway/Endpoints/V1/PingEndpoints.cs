namespace MaaS.Gateway.Endpoints.V1;

/// <summary>The trivial JSON endpoint (<c>/v1/ping</c>): liveness for apps, and the load test's baseline.</summary>
internal static class PingEndpoints
{
    private static readonly PingResponse Pong = new("ok");

    public static IEndpointRouteBuilder MapPingV1(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/ping", Ping)
            .RequireAuthorization(MaaSPolicies.App)
            .WithTags(ApiTags.Operations)
            .WithName("V1Ping")
            .WithSummary("Answers {\"status\":\"ok\"}; does no work.");
        return app;
    }

    private static Ok<PingResponse> Ping() => TypedResults.Ok(Pong);
}
