namespace MaaS.Services.Training;

/// <summary>The one mapping of a stored training job to its answer record.</summary>
internal static class TrainingJobs
{
    public static TrainingJobResponse ToResponse(JobRecord job)
    {
        var spec = TrainingService.Spec(job);
        return new TrainingJobResponse(
            job.Id, spec?.Model ?? "", JobStates.Name(job.State), job.Phase, job.Progress, spec?.MultiLabel ?? false, spec?.Rows ?? 0, spec?.Labels ?? [],
            job.InputSha256, job.Attempts, job.CreatedAt, job.StartedAt, job.FinishedAt, Json(job.Metrics), Json(job.Result), job.Error);
    }

    private static JsonElement? Json(string? json)
    {
        if (json is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
