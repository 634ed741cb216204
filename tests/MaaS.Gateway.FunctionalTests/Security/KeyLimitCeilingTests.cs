using MaaS.Storage.Keys;
using Microsoft.Extensions.Options;

namespace MaaS.Gateway.FunctionalTests.Security;

/// <summary>The operator's ceilings on the limits a key may be given (issue #15, finding 8).</summary>
public sealed class KeyLimitCeilingTests
{
    [Fact]
    public async Task CreateKey_LimitsAboveCeilings_400ListingEveryLimitAsAFieldNothingStored()
    {
        await using var gateway = SecureGateway.Start();
        string tenantAdmin = await gateway.CreateKeyAsync("acme", ["admin"]);
        string body = """{"name":"greedy","roles":["app"],"limits":{"requestsPerSecond":1e9,"burst":2001,"maxConcurrentRequests":100000}}""";

        var (byTenantAdmin, tenantAnswer) = await gateway.SendJsonAsync(HttpMethod.Post, "/v1/keys", tenantAdmin, body);
        // The operator's own admin is held to the ceilings too: they are raised in configuration, not by an API call.
        var (byOperator, operatorAnswer) = await gateway.SendJsonAsync(HttpMethod.Post, "/v1/keys", SecureGateway.BootstrapKey,
            body.Replace("\"roles\"", "\"tenant\":\"acme\",\"roles\"", StringComparison.Ordinal));
        var (_, listed) = await gateway.SendJsonAsync(HttpMethod.Get, "/v1/keys", tenantAdmin);

        foreach (var (response, answer) in new[] { (byTenantAdmin, tenantAnswer), (byOperator, operatorAnswer) })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(
                [
                    "limits.requestsPerSecond: 1000000000 is above the operator's ceiling 1000 (Auth:KeyLimitCeilings:RequestsPerSecond)",
                    "limits.burst: 2001 is above the operator's ceiling 2000 (Auth:KeyLimitCeilings:Burst)",
                    "limits.maxConcurrentRequests: 100000 is above the operator's ceiling 256 (Auth:KeyLimitCeilings:MaxConcurrentRequests)",
                ],
                Problems(answer));
            Assert.Equal(
                "3 problem(s); first: limits.requestsPerSecond: 1000000000 is above the operator's ceiling 1000 (Auth:KeyLimitCeilings:RequestsPerSecond)",
                answer!["detail"]!.GetValue<string>());
        }

        Assert.DoesNotContain(listed!.AsArray(), k => k!["name"]!.GetValue<string>() == "greedy");
    }

    [Fact]
    public async Task CreateKey_LimitsAtConfiguredCeilings_Created()
    {
        await using var gateway = SecureGateway.Start(settings: new Dictionary<string, string?>
        {
            ["Auth:KeyLimitCeilings:RequestsPerSecond"] = "5000",
            ["Auth:KeyLimitCeilings:Burst"] = "9000",
            ["Auth:KeyLimitCeilings:MaxConcurrentRequests"] = "64",
        });

        var (created, answer) = await gateway.SendJsonAsync(HttpMethod.Post, "/v1/keys", SecureGateway.BootstrapKey,
            """{"name":"edge","roles":["app"],"limits":{"requestsPerSecond":5000,"burst":9000,"maxConcurrentRequests":64}}""");
        var (over, overAnswer) = await gateway.SendJsonAsync(HttpMethod.Post, "/v1/keys", SecureGateway.BootstrapKey,
            """{"name":"edge","roles":["app"],"limits":{"requestsPerSecond":5000.5}}""");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(5000, answer!["details"]!["limits"]!["requestsPerSecond"]!.GetValue<double>());
        Assert.Equal(HttpStatusCode.BadRequest, over.StatusCode);
        Assert.Equal(["limits.requestsPerSecond: 5000.5 is above the operator's ceiling 5000 (Auth:KeyLimitCeilings:RequestsPerSecond)"], Problems(overAnswer));
    }

    [Fact]
    public async Task Key_StoredAboveCeilings_RunsAtTheCeiling()
    {
        // As 'maas keys create' does: straight into the store, past the API's check.
        await using var gateway = SecureGateway.Start(settings: new Dictionary<string, string?>
        {
            ["Auth:RateLimits:RequestsPerSecond"] = "0.01",
            ["Auth:RateLimits:Burst"] = "3",
            ["Auth:KeyLimitCeilings:RequestsPerSecond"] = "0.01",
            ["Auth:KeyLimitCeilings:Burst"] = "3",
        });
        var (record, key) = ApiKeyText.Create("acme", "cli", ["app"], new ApiKeyLimits(1_000_000, 1_000_000, 1_000), DateTimeOffset.UtcNow);
        var stored = await gateway.Host.Services.GetRequiredService<IApiKeyStore>().CreateAsync(record, TestContext.Current.CancellationToken);
        Assert.True(stored.IsSuccess, stored.Error?.Message);

        var statuses = new List<HttpStatusCode>();
        for (int i = 0; i < 6; i++)
        {
            using var response = await gateway.SendAsync(HttpMethod.Get, "/v1/ping", key);
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK], statuses.Take(3));
        Assert.Equal([HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses.Skip(3));
    }

    [Fact]
    public void Start_DefaultLimitAboveItsCeiling_FailsNamingBoth()
    {
        var thrown = Assert.ThrowsAny<Exception>(() => GatewayHost.Start(_ => { }, new Dictionary<string, string?>
        {
            ["Auth:RateLimits:Burst"] = "5000",
        }));

        var validation = thrown as OptionsValidationException ?? thrown.InnerException as OptionsValidationException
            ?? (thrown as AggregateException)?.InnerExceptions.OfType<OptionsValidationException>().FirstOrDefault();
        Assert.True(validation is not null, $"expected an options validation failure, got {thrown}");
        Assert.Contains(validation.Failures, f => f.Contains("Auth:RateLimits: the default limits.burst 5000 is above the operator's ceiling 2000 (Auth:KeyLimitCeilings:Burst)", StringComparison.Ordinal));
    }

    // "field: reason" of each entry of the answer's errors list, in order; none when it has no list.
    private static List<string> Problems(JsonNode? answer) =>
        [.. (answer?["errors"] as JsonArray ?? []).Select(e => $"{e!["field"]!.GetValue<string>()}: {e["reason"]!.GetValue<string>()}")];
}
