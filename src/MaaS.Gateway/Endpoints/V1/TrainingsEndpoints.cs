using System.ComponentModel.DataAnnotations;
using System.Net.ServerSentEvents;
using MaaS.Services.Training;

namespace MaaS.Gateway.Endpoints.V1;

/// <summary>
/// Training as a service: <c>POST /v1/trainings</c> (a labelled dataset, inline JSON or an upload), <c>GET</c> a job,
/// its live progress as Server-Sent Events, <c>DELETE</c> to cancel. Admin keys: a job publishes a model in the
/// tenant's name.
/// </summary>
internal static class TrainingsEndpoints
{
    public static IEndpointRouteBuilder MapTrainingsV1(this IEndpointRouteBuilder app)
    {
        var trainings = app.MapGroup("/v1/trainings").WithTags(ApiTags.Training).RequireAuthorization(MaaSPolicies.Admin)
            // Job ids are minted by the server: the shape of one, to be replaced by the id in the submit's Location.
            .WithParameterExample("id", "5f0c6d0e8a3b4c2d9e1f0a7b6c5d4e3f");
        trainings.MapPost("", SubmitAsync)
            .WithName("V1SubmitTraining")
            .WithMetadata(new AcceptsMetadata(["application/json", "text/csv", "text/tab-separated-values", "application/x-ndjson"], typeof(TrainingRequest)))
            .WithParameterExample("model", "reviews")
            .WithParameterExample("multiLabel", false)
            .WithParameterExample("folds", 3)
            .WithRequestExample("""
                {"model":"reviews","rows":[
                {"text":"A wonderful, moving film with brilliant performances.","label":"positive"},
                {"text":"Great fun from start to finish, I loved it.","label":"positive"},
                {"text":"A beautiful, touching story, superbly acted.","label":"positive"},
                {"text":"Terrible. A waste of two hours.","label":"negative"},
                {"text":"Dull, clumsy and far too long.","label":"negative"},
                {"text":"The worst script I have seen this year.","label":"negative"}],
                "settings":{"folds":3}}
                """)
            .WithSummary("Trains a text classifier on labelled rows and publishes it as the next version of the tenant's private model; answers 202 with the job.")
            .WithDescription("The body is JSON with inline rows ({\"text\", \"label\"}, or \"labels\": [...] with multiLabel), or an upload: text/csv or " +
                "text/tab-separated-values (a header naming a text and a label column; several labels split by '|') or application/x-ndjson (one row " +
                "object per line), with model, multiLabel and folds in the query string. Every row is checked before anything is stored; a 400 lists " +
                "every problem (empty text, missing label, one class only, a label with too few examples, bad UTF-8, too large). The model is " +
                "'<tenant>.<model>', chosen by k-fold cross-validation among n-gram feature sets and L2 strengths; GET the Location for progress.");
        trainings.MapGet("", ListAsync)
            .WithName("V1ListTrainings")
            .WithParameterExample("after", "5f0c6d0e8a3b4c2d9e1f0a7b6c5d4e3f")
            .WithPaging(Paged.By("newest first (by creation time, then id)"))
            .WithSummary("The tenant's training jobs, newest first, a page at a time.");
        trainings.MapGet("/{id}", GetAsync)
            .WithName("V1GetTraining")
            .WithSummary("A training job: status, phase, progress, metrics so far, and the published model with its cross-validation report once it succeeded.");
        trainings.MapGet("/{id}/events", EventsAsync)
            .WithName("V1TrainingEvents")
            .WithSummary("Live progress of a training job as Server-Sent Events: a 'progress' event on each change, then one named for the final state.");
        trainings.MapDelete("/{id}", CancelAsync)
            .WithName("V1CancelTraining")
            .WithSummary("Cancels a queued or running training job (a finished one is returned unchanged).");
        return app;
    }

    /// <param name="http">The request.</param>
    /// <param name="training">The training service.</param>
    /// <param name="model">The model's name, published as '&lt;tenant&gt;.&lt;model&gt;' (for uploads; a JSON body's own model wins).</param>
    /// <param name="multiLabel">Rows may carry several labels, split by '|' (a JSON body's own multiLabel wins).</param>
    /// <param name="folds">Folds of the cross-validation that picks the features and L2 strength (default 5; a JSON body's settings.folds wins).</param>
    private static async Task<Results<Accepted<TrainingJobResponse>, ApiProblem<BodyErrors>>> SubmitAsync(
        HttpContext http, TrainingService training, string? model = null, bool? multiLabel = null, int? folds = null)
    {
        long limit = training.Options.MaxBodyBytes;
        // Past the gateway's general body limit where the setting says so: the check below words the refusal.
        var body = await BoundedBody.ReadAsync(http, limit);
        if (body is null)
        {
            return new ApiProblem<BodyErrors>(Error.Invalid("body", $"the dataset is larger than the limit of {limit} bytes"));
        }

        var submitted = await training.SubmitAsync(http.GetTenant(), http.Request.ContentType, body, new TrainingParameters(model, multiLabel, folds), http.RequestAborted);
        return submitted.TryGetValue(out var job, out var error)
            ? TypedResults.Accepted($"/v1/trainings/{job.Id}", TrainingJobs.ToResponse(job))
            : new ApiProblem<BodyErrors>(error);
    }

    private static async Task<Results<Ok<List<TrainingJobResponse>>, ApiProblem<ListErrors>>> ListAsync(
        [Range(1, PageRequest.MaxLimit)] int? limit, string? after, HttpContext http, TrainingService training)
    {
        var jobs = await PageRequest.Create(limit, after).ThenAsync(page => training.ListAsync(http.GetTenant(), page, http.RequestAborted));
        return jobs.TryGetValue(out var page, out var error)
            ? TypedResults.Ok(Paged.Items(http, page.Select(TrainingJobs.ToResponse)))
            : new ApiProblem<ListErrors>(error);
    }

    private static async Task<Results<Ok<TrainingJobResponse>, ApiProblem<TrainingJobErrors>>> GetAsync(string id, HttpContext http, TrainingService training) =>
        OkOrProblem(await training.GetAsync(http.GetTenant(), id, http.RequestAborted));

    private static async Task<Results<Ok<TrainingJobResponse>, ApiProblem<TrainingJobErrors>>> CancelAsync(string id, HttpContext http, TrainingService training) =>
        OkOrProblem(await training.CancelAsync(http.GetTenant(), id, http.RequestAborted));

    private static async Task<Results<ServerSentEventsResult<TrainingJobResponse>, ApiProblem<TrainingJobErrors>>> EventsAsync(string id, HttpContext http, TrainingService training)
    {
        string tenant = http.GetTenant();
        var first = await training.GetAsync(tenant, id, http.RequestAborted);
        if (!first.TryGetValue(out var job, out var error))
        {
            return new ApiProblem<TrainingJobErrors>(error);
        }

        return TypedResults.ServerSentEvents(training.FollowAsync(tenant, job, http.RequestAborted)
            .Select(change => new SseItem<TrainingJobResponse>(TrainingJobs.ToResponse(change), change.IsFinished ? JobStates.Name(change.State) : "progress")));
    }

    private static Results<Ok<TrainingJobResponse>, ApiProblem<TrainingJobErrors>> OkOrProblem(Result<JobRecord> job) =>
        job.TryGetValue(out var value, out var error) ? TypedResults.Ok(TrainingJobs.ToResponse(value)) : new ApiProblem<TrainingJobErrors>(error);
}
