using MaaS.Services.Search;

namespace MaaS.Gateway.FunctionalTests.Search;

/// <summary>Item embeddings live with the items in SQLite: a gateway restarted on the same file searches without computing them again.</summary>
public sealed class SearchDurabilityTests
{
    [Fact]
    public async Task Restart_SameSqliteFile_SearchesWithoutRecomputingEmbeddings()
    {
        using var folder = new TempFolder("maas-search-");
        var settings = new Dictionary<string, string?> { ["Storage:Sqlite:Path"] = folder["maas.db"] };
        const string Query = """{"query":"space adventure with robots","mode":"semantic","count":1}""";
        string key;
        await using (var first = SecureGateway.Start(r => r.WithShippedModel(EmbeddingsGateway.Model), settings))
        {
            key = await SearchCatalogue.PutAsync(first, "searchdurable");
            await SearchCatalogue.ReadyAsync(first, key, Query);
            Assert.Equal(SearchCatalogue.Count, first.Host.Services.GetRequiredService<ItemEmbeddings>().Embedded);
        }

        await using var second = SecureGateway.Start(r => r.WithShippedModel(EmbeddingsGateway.Model), settings);
        JsonNode found = await SearchCatalogue.ReadyAsync(second, key, Query);

        Assert.Equal("scifi", found["items"]![0]!["itemId"]!.GetValue<string>());
        Assert.Equal(0, second.Host.Services.GetRequiredService<ItemEmbeddings>().Embedded);
    }
}
