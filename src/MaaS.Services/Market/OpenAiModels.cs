namespace MaaS.Services.Market;

/// <summary>
/// The models one tenant may see, in OpenAI's model objects (<c>GET /openai/v1/models</c> and
/// <c>/openai/v1/models/{model}</c>), so that OpenAI's client libraries list and look up the gateway's models as they
/// do OpenAI's. A model's <c>created</c> is its first publication through the market, or for a bundled model the time
/// its folder in the repository last changed; <c>owned_by</c> is the owning tenant, or <c>system</c> for a bundled
/// model (OpenAI's word for its own).
/// </summary>
internal static class OpenAiModels
{
    /// <summary>The owner OpenAI names for its own models, here the bundled ones.</summary>
    public const string System = "system";

    /// <summary>Every model the registry shows the caller's tenant, by name (ordinal): OpenAI's list is not paged.</summary>
    public static OpenAiModelList List(IModelRegistry registry, ModelAccess access) =>
        new([.. registry.GetModels().OrderBy(m => m.Name, StringComparer.Ordinal).Select(m => Model(registry, access, m.Name))]);

    /// <summary>One model as OpenAI describes it, or null when the tenant may not see it (or it does not exist).</summary>
    public static OpenAiModel? Find(IModelRegistry registry, ModelAccess access, string name) =>
        registry.GetModel(name) is null ? null : Model(registry, access, name);

    private static OpenAiModel Model(IModelRegistry registry, ModelAccess access, string name)
    {
        var listing = access.Find(name);
        DateTimeOffset created = listing?.CreatedAt
            ?? (registry.FindModelDirectory(name) is { } folder ? new DateTimeOffset(Directory.GetLastWriteTimeUtc(folder)) : DateTimeOffset.UnixEpoch);
        return new OpenAiModel(name, created.ToUnixTimeSeconds(), listing?.Owner ?? access.MarkedOwner(name) ?? System);
    }
}
