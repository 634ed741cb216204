using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MaaS.Services.Training;

/// <summary>DI registration of the job runner and training as a service.</summary>
internal static class TrainingServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="JobRunner"/> and <see cref="JobRetention"/> (hosted services), the training handler and <see cref="TrainingService"/>
    /// over storage and the model market (register both first). The host binds <see cref="JobOptions"/> and
    /// <see cref="TrainingOptions"/> (e.g. <c>BindConfiguration</c>); they are validated on start.
    /// </summary>
    public static IServiceCollection AddTraining(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<JobOptions, JobOptionsValidator>();
        services.AddOptionsWithValidateOnStart<TrainingOptions, TrainingOptionsValidator>();
        services.AddSingleton<JobRunner>();
        services.AddHostedService(sp => sp.GetRequiredService<JobRunner>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<JobRetention>();
        services.AddHostedService(sp => sp.GetRequiredService<JobRetention>());
        services.AddSingleton<IJobHandler, TrainingJobHandler>();
        services.AddSingleton<TrainingService>();
        return services;
    }
}
