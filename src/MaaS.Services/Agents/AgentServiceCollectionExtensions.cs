using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MaaS.Services.Agents;

/// <summary>DI registration of the agent service.</summary>
internal static class AgentServiceCollectionExtensions
{
    /// <summary>Registers <see cref="AgentService"/>, the reward sweep, the snapshots and the log retention (options validated); needs an <see cref="IStorage"/>. Bind <see cref="AgentOptions"/> yourself.</summary>
    public static IServiceCollection AddMaaSAgents(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<AgentOptions>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AgentOptions>, AgentOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<Onnx.OnnxPolicyScorer>();
        services.AddSingleton<AgentSnapshots>();
        services.AddSingleton<AgentService>();
        services.AddHostedService<AgentRewardSweeper>();
        services.AddHostedService<AgentSnapshotter>();
        return services;
    }
}
