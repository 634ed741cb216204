using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using MaaS.Models.Embeddings;
using MaaS.Models.Text.Serving;

namespace MaaS.Services.Batches;

/// <summary>DI registration of OpenAI's Files and Batch APIs.</summary>
internal static class BatchServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="OpenAiFiles"/> with the sweep of expired files (<see cref="FileExpirySweep"/>), <see cref="BatchService"/>, the batch job handler and the endpoints a batch may
    /// run (embeddings when an <see cref="EmbeddingService"/> is registered; sentiment and classify over
    /// <see cref="TextModelService"/>). Needs the job runner (<c>AddTraining</c>) and <see cref="BatchAnswerJson"/>, the
    /// host's answer options. The host binds <see cref="BatchOptions"/>; they are validated on start.
    /// </summary>
    public static IServiceCollection AddBatches(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<BatchOptions, BatchOptionsValidator>();
        services.AddSingleton<OpenAiFiles>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<FileExpirySweep>();
        // Not AddHostedService: it keeps one hosted service per implementation type, and RetentionSchedule hosts any pass.
        services.AddSingleton<IHostedService>(sp => new RetentionSchedule(
            TimeSpan.FromSeconds(sp.GetRequiredService<IOptions<BatchOptions>>().Value.ExpirySweepSeconds), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<FileExpirySweep>().SweepAsync));
        services.AddSingleton<BatchService>();
        services.AddSingleton<IJobHandler, BatchJobHandler>();
        services.AddSingleton<IBatchEndpoint>(sp => new EmbeddingsBatchEndpoint(sp.GetRequiredService<BatchAnswerJson>(), sp.GetRequiredService<EmbeddingService>()));
        services.AddSingleton<IBatchEndpoint>(sp => new TextBatchEndpoint(sp.GetRequiredService<BatchAnswerJson>(), sp.GetRequiredService<TextModelService>(), TextBatchEndpoint.SentimentUrl));
        services.AddSingleton<IBatchEndpoint>(sp => new TextBatchEndpoint(sp.GetRequiredService<BatchAnswerJson>(), sp.GetRequiredService<TextModelService>(), TextBatchEndpoint.ClassifyUrl));
        return services;
    }
}
