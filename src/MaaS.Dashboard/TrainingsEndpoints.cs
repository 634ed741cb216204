using MaaS.Models.Text.Training;
using MaaS.Services.Paging;
using MaaS.Services.Training;

namespace MaaS.Dashboard;

/// <summary>
/// Training jobs of one tenant, newest first, through the same <see cref="TrainingService"/> as <c>/v1/trainings</c>:
/// state, phase and progress (refreshed live), the candidates' cross-validated scores so far, and for one job (the
/// chosen or the newest with scores) the cross-validation report.
/// </summary>
internal static class TrainingsEndpoints
{
    /// <summary>The newest jobs the page shows (the most one page of <c>/v1/trainings</c> holds).</summary>
    private const int Listed = PageRequest.MaxLimit;

    internal static async Task<IResult> TrainingsAsync(
        string? tenant, string? id, HttpContext http, TrainingService trainings)
    {
        var page = DashboardPage.Of(http);
        if (page.Scope(tenant) is not { } scope)
        {
            return page.OtherTenant();
        }

        var listed = await trainings.ListAsync(scope, new PageRequest(Listed, null), http.RequestAborted);
        if (!listed.TryGetValue(out var jobs, out var error))
        {
            return page.Refused(error, "Training jobs unavailable");
        }

        var rows = jobs.Items.Select(Row).ToList();
        var shown = rows.FirstOrDefault(r => r.Id == id) ?? rows.FirstOrDefault(r => r.Candidates.Count > 0);
        string chart = SvgCharts.Bars("chart-training-scores", "Cross-validated score per candidate",
            shown is null ? "No training job has scored a candidate yet." : $"Cross-validated score of each candidate of job {shown.Id}, in the order tried.",
            [.. (shown?.Candidates ?? []).Select(c => new ChartBar($"{c.FeatureSet} λ{SvgCharts.Number(c.Lambda)}", Math.Round(c.Score, 4)))], "score");
        return page.Show<TrainingsPage>(new TrainingsModel(page.Request, scope, page.Tenants, rows, shown, chart));
    }

    private static TrainingRow Row(JobRecord job)
    {
        var outcome = job.State == JobState.Succeeded ? TrainingService.Outcome(job) : null;
        var candidates = outcome?.Candidates ?? TrainingService.Metrics(job)?.Candidates ?? [];
        return new TrainingRow(
            job.Id, TrainingService.Spec(job)?.Model ?? "–", JobStates.Name(job.State), job.Phase, Math.Clamp(job.Progress, 0, 1),
            candidates, candidates.Count == 0 ? null : candidates.Max(c => c.Score), outcome?.CrossValidation, outcome?.Chosen,
            outcome is null ? null : $"{outcome.Model} v{outcome.Version}", outcome?.Folds, job.Error, job.CreatedAt, job.StartedAt, job.FinishedAt);
    }
}

/// <summary>
/// One training job as the page shows it: its progress in [0, 1], the candidates scored so far and their best
/// cross-validated score (accuracy, or micro-F1 for multi-label), and once it succeeded the chosen candidate's
/// out-of-fold report and the published model.
/// </summary>
public sealed record TrainingRow(
    string Id, string Model, string Status, string Phase, double Progress, IReadOnlyList<CandidateScore> Candidates, double? BestScore,
    ClassificationReport? Report, CandidateScore? Chosen, string? Published, int? Folds, string? Error,
    DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt);

/// <summary>What the training jobs page shows.</summary>
public sealed record TrainingsModel(
    DashboardRequest Request, string Tenant, IReadOnlyList<string> Tenants, IReadOnlyList<TrainingRow> Jobs, TrainingRow? Shown, string ScoresChart);
