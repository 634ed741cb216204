namespace MaaS.Gateway.Hosting;

/// <summary>Hosts the agent service: options from the <c>Agents</c> section, the service, the reward sweep, the contracts' JSON. Call after <c>AddGatewayStorage</c>.</summary>
internal static class AgentsExtensions
{
    public static IHostApplicationBuilder AddAgents(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AgentOptions>().BindConfiguration(AgentOptions.SectionName).ValidateOnStart();
        builder.Services.AddMaaSAgents();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, AgentsJsonContext.Default));
        return builder;
    }
}
