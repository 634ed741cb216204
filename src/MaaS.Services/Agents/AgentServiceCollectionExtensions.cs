using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MaaS.Services.Agents;

/// <summary>DI registration of the agent service.</summary>
internal static class AgentServiceCollectionExtensions
{
    /// <summary>Registers <see cref="AgentService"/> and the reward sweep; needs an <see cref="IStorage"/>. Bind <see cref="AgentOptions"/> yourself.</summary>
    public static IServiceCollection AddMaaSAgents(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<AgentOptions>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<Onnx.OnnxPolicyScorer>();
        services.AddSingleton<AgentService>();
        services.AddHostedService<AgentRewardSweeper>();
        return services;
    }
}
