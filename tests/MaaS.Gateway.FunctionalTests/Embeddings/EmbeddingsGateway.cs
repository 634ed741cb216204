namespace MaaS.Gateway.FunctionalTests.Embeddings;

/// <summary>
/// One real gateway per test class, authentication on, serving the checkout's all-minilm-l6-v2 (91 MB, loaded once),
/// arctic-embed-xs (the second encoder, 90 MB), the sentiment model and content tags (version 2 reads the encoder's embeddings), with an app key of the operator tenant.
/// </summary>
public sealed class EmbeddingsGateway : IAsyncLifetime
{
    public const string Model = "all-minilm-l6-v2";

    public const string Arctic = "arctic-embed-xs";

    public SecureGateway Gateway { get; private set; } = null!;

    public string AppKey { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        Gateway = SecureGateway.Start(r => r.WithShippedModel(Model).WithShippedModel(Arctic).WithShippedTextModels("sentiment", "content-tags"));
        AppKey = await Gateway.CreateKeyAsync("default", ["app"]);
    }

    public async ValueTask DisposeAsync()
    {
        if (Gateway is not null)
        {
            await Gateway.DisposeAsync();
        }
    }
}
