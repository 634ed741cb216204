namespace MaaS.Gateway.FunctionalTests.Text;

/// <summary><c>POST /v1/analyze</c> with content tags v2: the tagger reads n-grams and the served encoder's embedding.</summary>
public sealed class AnalyzeEmbeddingTests(EmbeddingsGateway fixture) : IClassFixture<EmbeddingsGateway>
{
    [Fact]
    public async Task Post_Version2_TagsFromNgramsAndEmbeddingOfOneGroup()
    {
        const string json = """
            { "items": [
                { "title": "Galaxy Quest Kids", "text": "A group of children discover an alien spaceship and must save the planet in this animated family adventure." },
                { "text": "A hard-hitting documentary series about the war on drugs, told through interviews with police and dealers." }
              ], "version": 2, "maxTags": 5, "maxTerms": 50 }
            """;

        var (response, body) = await fixture.Gateway.SendJsonAsync(HttpMethod.Post, "/v1/analyze", fixture.AppKey, json);

        Assert.True(response.StatusCode == HttpStatusCode.OK, body?.ToJsonString());
        Assert.Equal(2, body!["tagsModel"]!["version"]!.GetValue<int>());
        foreach (var result in body["results"]!.AsArray())
        {
            var tags = result!["tags"]!.AsArray().Select(t => t!["tag"]!.GetValue<string>()).ToList();
            // Netflix's TV genres and movie genres never share a title, so v2 never mixes them.
            Assert.True(tags.All(IsTv) || !tags.Any(IsTv), string.Join(", ", tags));
            Assert.All(result["explanation"]!["tags"]!.AsArray(),
                t => Assert.Single(t!["terms"]!.AsArray(), term => term!["term"]!.GetValue<string>() == "[embedding]"));
            Assert.DoesNotContain("[embedding]", result["keywords"]!.AsArray().Select(k => k!.GetValue<string>()));
        }

        Assert.Contains(body["results"]![1]!["tags"]!.AsArray(), t => t!["tag"]!.GetValue<string>().Contains("Docu", StringComparison.Ordinal));
    }

    private static bool IsTv(string tag) => tag.Contains("TV", StringComparison.Ordinal) || tag is "Docuseries" or "Anime Series" or "Stand-Up Comedy & Talk Shows";
}
