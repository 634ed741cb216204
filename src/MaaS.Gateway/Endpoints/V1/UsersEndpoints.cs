using System.ComponentModel.DataAnnotations;
using MaaS.Services.Recommendations.Users;

namespace MaaS.Gateway.Endpoints.V1;

/// <summary>Per-user analysis, data export and privacy erasure (<c>/v1/users</c>).</summary>
internal static class UsersEndpoints
{
    public static IEndpointRouteBuilder MapUsersV1(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/v1/users").WithTags(ApiTags.Users).RequireAuthorization(MaaSPolicies.App);
        users.MapGet("/{id}/analysis", AnalyzeAsync)
            .WithName("V1AnalyzeUser")
            .WithParameterExample("id", "demo-user-001")
            .WithParameterExample("trendDays", 30)
            .WithSummary("Behaviour analysis from the user's events: kind/genre affinity, genre entropy, novelty, activity per day/week, rising genres.");
        users.MapGet("/{id}/export", ExportAsync)
            .WithName("V1ExportUser")
            .WithParameterExample("id", "demo-user-001")
            .WithSummary("Everything stored about the user (right of access): every event as sent, newest first, and the profile derived from them; a user without events (never seen, or erased) gets the empty export.");
        users.MapDelete("/{id}", EraseAsync)
            .WithName("V1DeleteUser")
            // Not the user the other examples read: trying erasure should not empty their answers.
            .WithParameterExample("id", "demo-user-200")
            .WithSummary("Erases every event of the user (privacy); the index is rebuilt without them in the background.");
        return app;
    }

    /// <param name="id">User or session id.</param>
    /// <param name="trendDays">Length of the recent window of the trend, in days (1..365, default 14), ending at the user's newest event.</param>
    /// <param name="http">The request.</param>
    /// <param name="analyzer">The analyser.</param>
    /// <param name="cancellationToken">Request aborted.</param>
    private static async Task<Results<RecommendationJson<UserAnalysisResponse>, ApiProblem<UserErrors>>> AnalyzeAsync(
        string id, [Range(RecommendationLimits.MinTrendDays, RecommendationLimits.MaxTrendDays)] int? trendDays, HttpContext http, UserAnalyzer analyzer, CancellationToken cancellationToken)
    {
        var outcome = await analyzer.AnalyzeAsync(http.GetTenant(), id, trendDays, cancellationToken);
        return RecommendationJson.OkOrProblem<UserAnalysisResponse, UserErrors>(outcome, RecommendationsJsonContext.Default.UserAnalysisResponse);
    }

    /// <param name="id">User or session id.</param>
    /// <param name="http">The request.</param>
    /// <param name="exporter">The exporter.</param>
    /// <param name="cancellationToken">Request aborted.</param>
    private static async Task<Results<RecommendationJson<UserExportResponse>, ApiProblem<UserErrors>>> ExportAsync(
        string id, HttpContext http, UserExporter exporter, CancellationToken cancellationToken)
    {
        var outcome = await exporter.ExportAsync(http.GetTenant(), id, cancellationToken);
        return RecommendationJson.OkOrProblem<UserExportResponse, UserErrors>(outcome, RecommendationsJsonContext.Default.UserExportResponse);
    }

    private static async Task<Results<NoContent, ApiProblem<UserErrors>>> EraseAsync(string id, HttpContext http, UserErasure erasure, CancellationToken cancellationToken)
    {
        var outcome = await erasure.EraseAsync(http.GetTenant(), id, cancellationToken);
        return outcome.TryGetValue(out _, out var error) ? TypedResults.NoContent() : new ApiProblem<UserErrors>(error);
    }
}
