namespace MaaS.Gateway.Endpoints.V1;

/// <summary>The recommendation service's /v1 resources in one call for Program.cs.</summary>
internal static class RecommendationsApi
{
    public static IEndpointRouteBuilder MapRecommendationsV1(this IEndpointRouteBuilder app) =>
        app.MapPingV1().MapEventsV1().MapItemsV1().MapRecommendV1().MapUsersV1().MapSearchV1();
}
