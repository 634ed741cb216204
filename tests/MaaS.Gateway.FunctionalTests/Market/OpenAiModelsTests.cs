using System.ClientModel;
using OpenAI;
using OpenAI.Models;

namespace MaaS.Gateway.FunctionalTests.Market;

/// <summary>
/// <c>/openai/v1/models</c> through OpenAI's own .NET library, its endpoint set to the gateway's OpenAI base URL: the
/// library lists and looks up the models a tenant may see (it cannot read <c>/v1/models</c>, the market's paged array).
/// </summary>
public sealed class OpenAiModelsTests
{
    [Fact]
    public async Task OpenAiModelClient_ListsAndFindsWhatTheTenantSees_OwnersAndCreation()
    {
        await using var gateway = SecureGateway.Start(r => r.WithExampleMlp());
        string acme = await gateway.CreateKeyAsync("acme", ["admin", "app"]);
        string globex = await gateway.CreateKeyAsync("globex", ["admin", "app"]);
        DateTimeOffset before = DateTimeOffset.UtcNow.AddSeconds(-1);
        string churn = await gateway.PublishMlpAsync(acme, "churn", "private");
        DateTimeOffset after = DateTimeOffset.UtcNow.AddSeconds(1);
        var acmeModels = Client(gateway, acme);
        var globexModels = Client(gateway, globex);
        var token = TestContext.Current.CancellationToken;

        OpenAIModelCollection acmeList = await acmeModels.GetModelsAsync(token);
        OpenAIModelCollection globexList = await globexModels.GetModelsAsync(token);
        OpenAIModel own = await acmeModels.GetModelAsync(churn, token);
        OpenAIModel bundled = await globexModels.GetModelAsync("example-mlp", token);
        var hidden = await Assert.ThrowsAsync<ClientResultException>(() => globexModels.GetModelAsync(churn, token));
        var unknown = await Assert.ThrowsAsync<ClientResultException>(() => acmeModels.GetModelAsync("no-such-model", token));

        // The same models as the market's own listing for that tenant, in the same (ordinal) order.
        Assert.Equal(await MarketNamesAsync(gateway, acme), acmeList.Select(m => m.Id));
        Assert.Equal(await MarketNamesAsync(gateway, globex), globexList.Select(m => m.Id));
        Assert.Contains(churn, acmeList.Select(m => m.Id));
        Assert.DoesNotContain(churn, globexList.Select(m => m.Id));
        Assert.Equal((churn, "acme"), (own.Id, own.OwnedBy));
        Assert.InRange(own.CreatedAt, before, after);
        Assert.Equal(("example-mlp", "system"), (bundled.Id, bundled.OwnedBy));
        Assert.InRange(bundled.CreatedAt, new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero), after);
        Assert.All(globexList, m => Assert.Equal("system", m.OwnedBy));
        // Another tenant's private model answers as a model that does not exist.
        Assert.Equal((404, 404), (hidden.Status, unknown.Status));
    }

    [Fact]
    public async Task OpenAiModels_WithoutKey_401()
    {
        await using var gateway = SecureGateway.Start(r => r.WithExampleMlp());

        using var list = await gateway.SendAsync(HttpMethod.Get, "/openai/v1/models", key: null);

        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
    }

    private static OpenAIModelClient Client(SecureGateway gateway, string key) =>
        new(new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = new Uri(gateway.Host.Address, "/openai/v1") });

    private static async Task<IEnumerable<string>> MarketNamesAsync(SecureGateway gateway, string key)
    {
        var (response, body) = await gateway.SendJsonAsync(HttpMethod.Get, "/v1/models?limit=100", key);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return body!.AsArray().Select(m => m!["name"]!.GetValue<string>());
    }
}
