using System.ClientModel;
using OpenAI;
using OpenAI.Batch;
using OpenAI.Files;

namespace MaaS.Gateway.FunctionalTests.Batches;

/// <summary>
/// One real gateway per test class (authentication on), serving all-minilm-l6-v2 and the sentiment model, with app keys
/// of two tenants and fast job heartbeats, and OpenAI's own file and batch clients pointed at its <c>/openai/v1</c>.
/// </summary>
public sealed class BatchGateway : IAsyncLifetime
{
    public const string Model = "all-minilm-l6-v2";

    public SecureGateway Gateway { get; private set; } = null!;

    public string AppKey { get; private set; } = "";

    public string OtherKey { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        Gateway = SecureGateway.Start(
            r => r.WithShippedModel(Model).WithShippedTextModels("sentiment"),
            new Dictionary<string, string?> { ["Jobs:HeartbeatSeconds"] = "0.2", ["Jobs:PollSeconds"] = "0.2" });
        AppKey = await Gateway.CreateKeyAsync("default", ["app"]);
        OtherKey = await Gateway.CreateKeyAsync("acme", ["app"]);
    }

    public OpenAIClientOptions Options => new() { Endpoint = new Uri(Gateway.Host.Address, "/openai/v1") };

    public OpenAIFileClient Files(string? key = null) => new(new ApiKeyCredential(key ?? AppKey), Options);

#pragma warning disable OPENAI001 // OpenAI's batch client is marked experimental.
    public BatchClient Batches(string? key = null) => new(new ApiKeyCredential(key ?? AppKey), new BatchClientOptions { Endpoint = Options.Endpoint });
#pragma warning restore OPENAI001

    public async ValueTask DisposeAsync()
    {
        if (Gateway is not null)
        {
            await Gateway.DisposeAsync();
        }
    }
}
