using MaaS.Models.Text.Modeling;

namespace MaaS.Gateway.Endpoints.V1;

/// <summary><c>POST /v1/classify</c>: labels and probabilities per text from a text classifier (a trained model or a bundled one).</summary>
internal static class ClassifyEndpoints
{
    public static IEndpointRouteBuilder MapClassifyV1(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/v1/classify").WithTags(ApiTags.Training).RequireAuthorization(MaaSPolicies.App)
            .MapPost("", ClassifyAsync)
            .RequireAdmission()
            .WithName("V1Classify")
            .WithRequestExample("""{"model":"sentiment","texts":["A wonderful, moving film with brilliant performances.","Terrible. A waste of two hours."]}""")
            .WithSummary("Classifies up to 256 texts with a text classifier the tenant may use: the most probable label, the decided labels (multi-label: each over its threshold) and every probability.");
        return app;
    }

    private static async Task<Results<Ok<ClassifyResponse>, ApiProblem<InferenceErrors>>> ClassifyAsync(
        Body<ClassifyRequest> body, TextModelService text, CancellationToken cancellationToken)
    {
        if (!body.Result.TryGetValue(out var request, out var error))
        {
            return new ApiProblem<InferenceErrors>(error);
        }

        var result = await text.ScoreAsync(request.Model ?? string.Empty, request.Version, request.Texts, cancellationToken);
        if (!result.TryGetValue(out var predictions, out error))
        {
            return new ApiProblem<InferenceErrors>(error);
        }

        var profile = predictions.Profile;
        bool multiLabel = profile.Model.Activation == TextModelActivation.Sigmoid;
        var results = new ClassifyResult[predictions.Items.Count];
        for (int i = 0; i < results.Length; i++)
        {
            float[] p = predictions.Items[i].Probabilities;
            int best = predictions.Items[i].Best;
            IReadOnlyList<string> decided = multiLabel ? Decide(profile, p) : [profile.Labels[best]];
            results[i] = new ClassifyResult(profile.Labels[best], p[best], decided, p);
        }

        return TypedResults.Ok(new ClassifyResponse(profile.Name, profile.Version, profile.Labels, results));
    }

    // Each label at or above its threshold (0.5 without one), most probable first; at least the best one.
    private static List<string> Decide(TextModelProfile profile, float[] p)
    {
        var chosen = Enumerable.Range(0, p.Length)
            .Where(j => p[j] >= (profile.Thresholds is { } t && j < t.Length ? t[j] : 0.5f))
            .OrderByDescending(j => p[j]).ThenBy(j => j)
            .Select(j => profile.Labels[j])
            .ToList();
        return chosen.Count > 0 ? chosen : [profile.Labels[Array.IndexOf(p, p.Max())]];
    }
}
