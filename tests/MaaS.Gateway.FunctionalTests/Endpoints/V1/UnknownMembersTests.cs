using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using MaaS.Services.Recommendations.Contracts;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace MaaS.Gateway.FunctionalTests.Endpoints.V1;

/// <summary>
/// A /v1 body with a member its contract does not have is a 400 naming it at its JSON path (and the member probably
/// meant), never a silently ignored typo; nothing is written. Free-form objects (an agent's context and features) keep
/// their own rules.
/// </summary>
public sealed class UnknownMembersTests(UnknownMembersTests.Fixture fixture) : IClassFixture<UnknownMembersTests.Fixture>
{
    [Theory]
    [InlineData("PUT", "/v1/items", """{"items":[{"id":"strict-1","kind":"movie","title":"T"},{"id":"strict-2","kind":"movie","title":"T","genre":["Drama"]}]}""", 1, "items[1].genre", "unknown member 'genre' (did you mean 'genres'?)")]
    [InlineData("POST", "/v1/recommend", """{"userId":"u1","cout":5}""", null, "cout", "unknown member 'cout' (did you mean 'count'?)")]
    [InlineData("POST", "/v1/recommend", """{"userId":"u1","filters":{"kind":"movie","genre":["Drama"]}}""", null, "filters.genre", "unknown member 'genre' (did you mean 'genres'?)")]
    [InlineData("POST", "/v1/recommend", """{"userId":"u1","Filters":{"kind":"movie","Genre":["Drama"]}}""", null, "Filters.Genre", "unknown member 'Genre' (did you mean 'genres'?)")]
    [InlineData("POST", "/v1/recommendations/bias", """{"userIds":["u1"],"debias":{"method":"popularity","strenght":0.5}}""", null, "debias.strenght", "unknown member 'strenght' (did you mean 'strength'?)")]
    [InlineData("POST", "/v1/search", """{"query":"space","limit":3}""", null, "limit", "unknown member 'limit'")]
    [InlineData("PUT", "/v1/agents/strict", """{"contextFeatures":["skill"],"actions":[{"id":"easy"},{"id":"hard"}],"policy":{"kind":"epsilon-greedy","epsilom":0.1}}""", null, "policy.epsilom", "unknown member 'epsilom' (did you mean 'epsilon'?)")]
    [InlineData("POST", "/v1/agents/npc/decide", """{"context":{"skill":0.5},"explian":true}""", null, "explian", "unknown member 'explian' (did you mean 'explain'?)")]
    [InlineData("POST", "/v1/agents/npc/decide", """{"context":{"skill":0.5},"actions":[{"id":"easy","feature":{}}]}""", 0, "actions[0].feature", "unknown member 'feature' (did you mean 'features'?)")]
    [InlineData("POST", "/v1/agents/nobody/decide", """{"contexts":{"skill":0.5}}""", null, "contexts", "unknown member 'contexts' (did you mean 'context'?)")]
    [InlineData("POST", "/v1/agents/npc/outcomes", """{"outcomes":[{"decisionId":"d1","reward":1,"weight":2}]}""", 0, "outcomes[0].weight", "unknown member 'weight'")]
    [InlineData("POST", "/v1/agents/npc/evaluate", """{"policy":{"kind":"linucb"},"limt":100}""", null, "limt", "unknown member 'limt' (did you mean 'limit'?)")]
    [InlineData("POST", "/v1/sentiment", """{"texts":["fine"],"modle":"sentiment"}""", null, "modle", "unknown member 'modle' (did you mean 'model'?)")]
    [InlineData("POST", "/v1/analyze", """{"items":[{"text":"x","titel":"y"}]}""", 0, "items[0].titel", "unknown member 'titel' (did you mean 'title'?)")]
    [InlineData("POST", "/v1/classify", """{"model":"sentiment","texts":["x"],"verison":1}""", null, "verison", "unknown member 'verison' (did you mean 'version'?)")]
    [InlineData("POST", "/v1/embeddings", """{"input":"x","encodingFormat":"float"}""", null, "encodingFormat", "unknown member 'encodingFormat' (did you mean 'encoding_format'?)")]
    [InlineData("POST", "/v1/keys", """{"name":"ci","role":["app"]}""", null, "role", "unknown member 'role' (did you mean 'roles'?)")]
    [InlineData("POST", "/v1/keys", """{"name":"ci","limits":{"burst":5,"rps":1}}""", null, "limits.rps", "unknown member 'rps'")]
    [InlineData("POST", "/v1/models/sentiment/shares", """{"tenant":"other","expires":"never"}""", null, "expires", "unknown member 'expires'")]
    public async Task Body_WithAnUnknownMember_400NamingItsPathAndTheMemberMeant(string method, string path, string json, int? index, string field, string reason)
    {
        var (response, body) = await fixture.Host.SendJsonAsync(new HttpMethod(method), path, json);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{method} {path} {json}: {response.StatusCode} {body}");
        Assert.True(body?["code"]?.GetValue<string>() == "InvalidRequest", $"{method} {path} {json}: {body}");
        var problem = Assert.Single(body!["errors"]!.AsArray());
        Assert.True(problem!["field"]?.GetValue<string>() == field, $"{method} {path} {json}: want field {field}, got {body}");
        Assert.True(problem["reason"]?.GetValue<string>() == reason, $"{method} {path} {json}: want '{reason}', got {body}");
        Assert.True(problem["index"]?.GetValue<int>() == index, $"{method} {path} {json}: want index {index}, got {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task EventBatch_OneEventWithAnUnknownMember_NoneOfItsEventsStored()
    {
        const string User = "u-strict-events";
        string batch = $$"""{"events":[{"eventId":"strict-e1","userId":"{{User}}","itemId":"movie-001","type":"play"},{"eventId":"strict-e2","userId":"{{User}}","itemId":"movie-002","type":"play","time":"2026-01-01T00:00:00Z"}]}""";

        var (response, body) = await fixture.Host.PostJsonAsync("/v1/events", batch);
        var (_, export) = await fixture.Host.GetJsonAsync($"/v1/users/{User}/export");

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.StatusCode} {body}");
        var problem = Assert.Single(body!["errors"]!.AsArray());
        Assert.Equal("events[1].time", problem!["field"]?.GetValue<string>());
        Assert.Equal(1, problem["index"]?.GetValue<int>());
        Assert.True(export?["events"]?.AsArray().Count == 0, $"the refused batch stored events: {export}");
    }

    [Fact]
    public async Task Items_AnUnknownMember_NoItemOfTheBatchStored()
    {
        await fixture.Host.SendJsonAsync(HttpMethod.Put, "/v1/items", """{"items":[{"id":"strict-item","kind":"movie","title":"T"},{"id":"strict-item-2","kind":"movie","titel":"T"}]}""");

        var (response, body) = await fixture.Host.GetJsonAsync("/v1/items/strict-item");

        Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"the refused batch stored its first item: {response.StatusCode} {body}");
    }

    [Theory]
    // Free-form by contract: feature names are the agent's own; an unknown one keeps its own rule (a 400 from validation).
    [InlineData("""{"context":{"skill":0.5}}""", HttpStatusCode.OK)]
    [InlineData("""{"context":{"strength":0.5}}""", HttpStatusCode.BadRequest)]
    // Member names are matched as the serializer matches them (case-insensitive), on both of decide's paths.
    [InlineData("""{"Context":{"skill":0.5},"EXPLAIN":false}""", HttpStatusCode.OK)]
    public async Task Decide_ContextFeatureNames_KeepTheirOwnRule(string json, HttpStatusCode expected)
    {
        var (response, body) = await fixture.Host.PostJsonAsync("/v1/agents/npc/decide", json);

        Assert.True(response.StatusCode == expected, $"{json}: {response.StatusCode} {body}");
        Assert.DoesNotContain("unknown member", body?.ToJsonString() ?? string.Empty, StringComparison.Ordinal);
    }

    [Fact]
    public void V1RequestContracts_EveryObjectReachable_RefusesUnknownMembers()
    {
        var options = fixture.Host.Services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var bodies = fixture.Host.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .Where(e => e is RouteEndpoint { RoutePattern.RawText: { } route } && route.StartsWith("/v1/", StringComparison.Ordinal))
            .SelectMany(e => e.Metadata.OfType<IAcceptsMetadata>())
            .Where(a => a.RequestType is not null && a.ContentTypes.Contains("application/json"))
            .Select(a => a.RequestType!)
            .Distinct()
            .ToList();
        Assert.Contains(typeof(EventBatchRequest), bodies);

        var open = new List<string>();
        var seen = new HashSet<Type>();
        foreach (var type in bodies)
        {
            Walk(options.GetTypeInfo(type));
        }

        Assert.True(open.Count == 0, "request contracts that ignore unknown members: " + string.Join(", ", open));

        void Walk(JsonTypeInfo info)
        {
            if (!seen.Add(info.Type))
            {
                return;
            }

            if (info.Kind == JsonTypeInfoKind.Object && info.Properties.Count > 0 && info.Type != typeof(JsonElement))
            {
                if (info.UnmappedMemberHandling != JsonUnmappedMemberHandling.Disallow)
                {
                    open.Add(info.Type.Name);
                }

                foreach (var property in info.Properties)
                {
                    Walk(options.GetTypeInfo(property.PropertyType));
                }
            }
            else if (info.ElementType is { } element)
            {
                Walk(options.GetTypeInfo(element));
            }
        }
    }

    public sealed class Fixture : IAsyncLifetime
    {
        public GatewayHost Host { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            Host = GatewayHost.Start(_ => { });
            var (put, body) = await Host.SendJsonAsync(HttpMethod.Put, "/v1/agents/npc", Agents.AgentsApiTests.Definition);
            Assert.True(put.StatusCode == HttpStatusCode.Created, body?.ToJsonString());
        }

        public async ValueTask DisposeAsync() => await Host.DisposeAsync();
    }
}
