using MaaS.Services.Jobs;
using MaaS.Services.Training;

namespace MaaS.Gateway.Hosting;

/// <summary>Training as a service: the job runner (section <c>Jobs</c>), upload limits (section <c>Training</c>) and the /v1 endpoints.</summary>
internal static class TrainingExtensions
{
    public static IHostApplicationBuilder AddTraining(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<JobOptions>().BindConfiguration(JobOptions.SectionName);
        builder.Services.AddOptions<TrainingOptions>().BindConfiguration(TrainingOptions.SectionName);
        builder.Services.AddTraining();
        return builder;
    }

    /// <summary>Maps <c>/v1/trainings</c> and <c>POST /v1/classify</c>.</summary>
    public static IEndpointRouteBuilder MapTrainingV1(this IEndpointRouteBuilder app) =>
        app.MapTrainingsV1().MapClassifyV1();
}
