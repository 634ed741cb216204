namespace MaaS.Gateway.Contracts;

/// <summary>
/// Registers the source-generated JSON contexts of /v1 contracts with minimal APIs (camelCase web defaults). Other
/// features add their own context the same way: <c>options.SerializerOptions.TypeInfoResolverChain.Insert(0, XJsonContext.Default)</c>.
/// V2 endpoints pass <see cref="Models.OpenInference.V2JsonContext"/> explicitly (snake_case) and need no registration.
/// Numbers are read strictly, unlike the web defaults: <c>"count":"3"</c> is a 400 naming <c>$.count</c>, on every /v1
/// body alike (the contexts that read bodies with their own options say the same).
/// </summary>
internal static class JsonContractsExtensions
{
    public static IServiceCollection AddGatewayJson(this IServiceCollection services) =>
        services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            options.SerializerOptions.TypeInfoResolverChain.Insert(0, V1ModelsJsonContext.Default);
            options.SerializerOptions.TypeInfoResolverChain.Insert(0, V1TextJsonContext.Default);
            options.SerializerOptions.TypeInfoResolverChain.Insert(0, V1EmbeddingsJsonContext.Default);
            options.SerializerOptions.TypeInfoResolverChain.Insert(0, V1TrainingJsonContext.Default);
        });
}
