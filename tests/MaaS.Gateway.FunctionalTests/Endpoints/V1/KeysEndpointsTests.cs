namespace MaaS.Gateway.FunctionalTests.Endpoints.V1;

public sealed class KeysEndpointsTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("null")]
    public async Task CreateKey_NoBodyOrNull_400AJsonBodyIsRequired(string? json)
    {
        await using var host = GatewayHost.Start(_ => { });

        var (response, body) = await host.SendJsonAsync(HttpMethod.Post, "/v1/keys", json);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{json ?? "(no body)"}: {(int)response.StatusCode} {body}");
        Assert.Equal(("InvalidRequest", "a JSON body is required"), (body!["code"]!.GetValue<string>(), body["detail"]!.GetValue<string>()));
    }

    [Fact]
    public async Task CreateKey_Created_NoStoreAndLocationOfTheKey()
    {
        await using var host = GatewayHost.Start(_ => { });

        var (response, body) = await host.SendJsonAsync(HttpMethod.Post, "/v1/keys", """{"name":"ci","roles":["app"],"tenant":"acme"}""");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        string id = body!["details"]!["id"]!.GetValue<string>();
        Assert.Equal($"/v1/keys/{id}", response.Headers.Location?.OriginalString);
        Assert.True(response.Headers.CacheControl?.NoStore, $"{response.Headers.CacheControl}");
        Assert.StartsWith($"maas_{id}_", body["key"]!.GetValue<string>(), StringComparison.Ordinal);
        // The answer's shape is the reflection serializer's: unset fields are written as null, not left out.
        var details = body["details"]!.AsObject();
        Assert.True(details.ContainsKey("revokedAt") && details["revokedAt"] is null, $"revokedAt must be written as null: {details}");
    }
}
