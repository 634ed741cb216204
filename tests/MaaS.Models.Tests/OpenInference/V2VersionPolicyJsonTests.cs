namespace MaaS.Models.Tests.OpenInference;

public sealed class V2VersionPolicyJsonTests
{
    private static readonly VersionPolicy Current = new(1, new VersionCanary(2, 10));

    private static Result<VersionPolicyChange> Read(string json)
    {
        using var document = JsonDocument.Parse(json);
        return V2VersionPolicyJson.Read(document.RootElement);
    }

    [Theory]
    [InlineData("""{"version": 3}""", 3L, 2L, 10)]
    [InlineData("""{"version": null}""", null, 2L, 10)]
    [InlineData("""{"version": 2}""", 2L, null, null)]
    [InlineData("""{"canary": {"version": 3, "percent": 25}}""", 1L, 3L, 25)]
    [InlineData("""{"canary": null}""", 1L, null, null)]
    [InlineData("""{"version": 4, "canary": {"version": 2, "percent": 5}}""", 4L, 2L, 5)]
    [InlineData("""{}""", null, 2L, 10)]
    [InlineData("""null""", null, 2L, 10)]
    public void Read_Body_ChangesOnlyTheMembersGiven(string json, long? pin, long? canary, int? percent)
    {
        var policy = Read(json).Value!.ApplyTo(Current);

        Assert.Equal((pin, canary, percent), (policy.DefaultVersion, policy.Canary?.Version, policy.Canary?.Percent));
    }

    [Theory]
    [InlineData("""{"version": 0}""", "version")]
    [InlineData("""{"version": "2"}""", "version")]
    [InlineData("""{"version": 1.5}""", "version")]
    [InlineData("""{"canary": 3}""", "canary")]
    [InlineData("""{"canary": {"percent": 10}}""", "canary.version")]
    [InlineData("""{"canary": {"version": 3}}""", "canary.percent")]
    [InlineData("""{"canary": {"version": 3, "percent": "ten"}}""", "canary.percent")]
    [InlineData("""{"canary": {"version": 3, "percent": 10, "sticky": true}}""", "canary.sticky")]
    [InlineData("""{"verison": 3}""", "verison")]
    [InlineData("""[3]""", "body")]
    public void Read_BadMember_InvalidRequestNamingIt(string json, string field)
    {
        var read = Read(json);

        Assert.Equal(ErrorCode.InvalidRequest, read.Error?.Code);
        Assert.Equal([field], read.Error!.Problems.Select(p => p.Field));
    }
}
