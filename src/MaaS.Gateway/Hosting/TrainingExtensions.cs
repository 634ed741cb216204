using MaaS.Services.Batches;
using MaaS.Services.Jobs;
using MaaS.Services.Training;

namespace MaaS.Gateway.Hosting;

/// <summary>Training as a service: the job runner (section <c>Jobs</c>), upload limits (section <c>Training</c>) and the /v1 endpoints; OpenAI's batches (section <c>Batches</c>) on the same runner.</summary>
internal static class TrainingExtensions
{
    public static IHostApplicationBuilder AddTraining(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<JobOptions>().BindConfiguration(JobOptions.SectionName);
        builder.Services.AddOptions<TrainingOptions>().BindConfiguration(TrainingOptions.SectionName);
        builder.Services.AddTraining();
        // Batches run on the same runner; a line's answer is written with the options the online endpoints answer with.
        builder.Services.AddOptions<BatchOptions>().BindConfiguration(BatchOptions.SectionName);
        builder.Services.AddSingleton(sp => new BatchAnswerJson(
            sp.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions, ApiErrors.ProblemDetailsOf));
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, BatchJsonContext.Default)).AddBatches();
        return builder;
    }

    /// <summary>Maps <c>/v1/trainings</c> and <c>POST /v1/classify</c>.</summary>
    public static IEndpointRouteBuilder MapTrainingV1(this IEndpointRouteBuilder app) =>
        app.MapTrainingsV1().MapClassifyV1();
}
