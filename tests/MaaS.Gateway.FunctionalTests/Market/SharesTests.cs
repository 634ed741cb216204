namespace MaaS.Gateway.FunctionalTests.Market;

/// <summary>
/// A model's shares as resources over real HTTP: a POST that creates a share answers 201 with its URL (RFC 9110), one
/// that finds it there 200; the owner reads the shares and each share; nobody else learns them.
/// </summary>
public sealed class SharesTests
{
    [Fact]
    public async Task Share_NewThenAgain_201WithLocationThen200AndTheLocationReadsTheShare()
    {
        await using var gateway = SecureGateway.Start();
        string admin = await gateway.CreateKeyAsync("acme", ["admin", "app"]);
        Assert.Equal(HttpStatusCode.Created, (await gateway.PublishAsync(admin, ExampleMlp.BuildOnnx(), SecureGateway.MlpCard("churn", "tenant"))).Response.StatusCode);

        var (created, body) = await gateway.SendJsonAsync(HttpMethod.Post, "/v1/models/acme.churn/shares", admin, """{"tenant":"globex"}""");
        var (again, againBody) = await gateway.SendJsonAsync(HttpMethod.Post, "/v1/models/acme.churn/shares", admin, """{"tenant":"globex"}""");
        var (read, share) = await gateway.SendJsonAsync(HttpMethod.Get, created.Headers.Location!.OriginalString, admin);
        var (listed, shares) = await gateway.SendJsonAsync(HttpMethod.Get, "/v1/models/acme.churn/shares", admin);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/v1/models/acme.churn/shares/globex", created.Headers.Location.OriginalString);
        Assert.Equal(["globex"], body!["sharedWith"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Null(again.Headers.Location);
        Assert.Equal(body.ToJsonString(), againBody!.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("""{"model":"acme.churn","tenant":"globex"}""", share!.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.Equal("""[{"model":"acme.churn","tenant":"globex"}]""", shares!.ToJsonString());
    }

    [Fact]
    public async Task ReadShares_NotSharedWithdrawnOrNotTheOwner_404Or403AndNothingLeaks()
    {
        await using var gateway = SecureGateway.Start();
        string owner = await gateway.CreateKeyAsync("acme", ["admin", "app"]);
        string grantee = await gateway.CreateKeyAsync("globex", ["admin", "app"]);
        string stranger = await gateway.CreateKeyAsync("initech", ["admin", "app"]);
        await gateway.PublishAsync(owner, ExampleMlp.BuildOnnx(), SecureGateway.MlpCard("churn", "tenant"));
        await gateway.SendJsonAsync(HttpMethod.Post, "/v1/models/acme.churn/shares", owner, """{"tenant":"globex"}""");
        await gateway.SendJsonAsync(HttpMethod.Post, "/v1/models/acme.churn/shares", owner, """{"tenant":"hooli"}""");
        await gateway.SendJsonAsync(HttpMethod.Delete, "/v1/models/acme.churn/shares/hooli", owner);

        using var withdrawn = await gateway.SendAsync(HttpMethod.Get, "/v1/models/acme.churn/shares/hooli", owner);
        using var byGrantee = await gateway.SendAsync(HttpMethod.Get, "/v1/models/acme.churn/shares", grantee);
        using var byStranger = await gateway.SendAsync(HttpMethod.Get, "/v1/models/acme.churn/shares", stranger);
        using var oneByStranger = await gateway.SendAsync(HttpMethod.Get, "/v1/models/acme.churn/shares/globex", stranger);
        var (_, shares) = await gateway.SendJsonAsync(HttpMethod.Get, "/v1/models/acme.churn/shares", owner);

        Assert.Equal(HttpStatusCode.NotFound, withdrawn.StatusCode);
        Assert.Equal("NotFound", JsonNode.Parse(await withdrawn.Content.ReadAsStringAsync(Ct))!["code"]!.GetValue<string>());
        // The grantee sees the model but does not own it; to anyone else it does not exist.
        Assert.Equal(HttpStatusCode.Forbidden, byGrantee.StatusCode);
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (byStranger.StatusCode, oneByStranger.StatusCode));
        Assert.DoesNotContain("globex", await byStranger.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(["globex"], shares!.AsArray().Select(s => s!["tenant"]!.GetValue<string>()));
    }
}
