using System.Security.Cryptography;

namespace MaaS.Storage.Tests.Privacy;

/// <summary>The sealing itself: authenticated (an altered or moved value fails to open), fresh nonces, rotation by key id.</summary>
public sealed class PrivacyCodecTests
{
    private static readonly byte[] UserKey = [.. Enumerable.Range(0, 32).Select(i => (byte)i)];
    private static readonly byte[] K1 = [.. Enumerable.Range(40, 32).Select(i => (byte)i)];
    private static readonly byte[] K2 = [.. Enumerable.Range(80, 32).Select(i => (byte)i)];

    private static readonly InteractionEvent Sent = new("evt-1", "alice", "item/é", "rate", 4.5f, T0);

    [Fact]
    public void Store_Sealed_OpensToTheSameFieldsAndHidesThem()
    {
        var codec = Codec("k1");

        var row = codec.Store("t", Sent);
        var opened = codec.Open("t", row.EventKey, "alice", row.ItemId, row.Type, row.Value, row.Timestamp, row.Sealed);

        Assert.Equal(Sent, opened);
        Assert.Equal((string.Empty, string.Empty, 0f), (row.ItemId, row.Type, row.Value));
        Assert.StartsWith("e.", row.EventKey, StringComparison.Ordinal);
        Assert.Equal(row.EventKey, codec.Store("t", Sent).EventKey);
        Assert.NotEqual(row.Sealed, codec.Store("t", Sent).Sealed);
    }

    [Fact]
    public void Open_AlteredByteOrAnotherRowsKeyOrTenant_Throws()
    {
        var codec = Codec("k1");
        var row = codec.Store("t", Sent);
        var other = codec.Store("t", Sent with { EventId = "evt-2" });

        for (var i = 2 + "k1".Length; i < row.Sealed!.Length; i++)
        {
            var altered = (byte[])row.Sealed.Clone();
            altered[i] ^= 1;
            Assert.ThrowsAny<CryptographicException>(() => codec.Open("t", row.EventKey, "alice", "", "", 0, T0, altered));
        }
        Assert.ThrowsAny<CryptographicException>(() => codec.Open("t", other.EventKey, "alice", "", "", 0, T0, row.Sealed));
        Assert.ThrowsAny<CryptographicException>(() => codec.Open("t2", row.EventKey, "alice", "", "", 0, T0, row.Sealed));
    }

    [Fact]
    public void Open_AfterRotation_OldKeyIdStillOpensAndAMissingOneNamesIt()
    {
        var old = Codec("k1").Store("t", Sent);

        var rotated = Codec("k2");
        var withoutK1 = new PrivacyCodec(UserKey, new() { ["k2"] = K2 }, "k2");

        Assert.Equal(Sent, rotated.Open("t", old.EventKey, "alice", "", "", 0, T0, old.Sealed));
        Assert.Equal("k2", System.Text.Encoding.ASCII.GetString(rotated.Store("t", Sent).Sealed!, 2, 2));
        var missing = Assert.Throws<PrivacyKeyException>(() => withoutK1.Open("t", old.EventKey, "alice", "", "", 0, T0, old.Sealed));
        Assert.Contains("'k1'", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void User_SameIdPerTenant_StableAndDistinctAcrossTenantsAndKeys()
    {
        var codec = Codec(null);

        Assert.Equal(codec.User("t", "alice"), Codec(null).User("t", "alice"));
        Assert.NotEqual(codec.User("t", "alice"), codec.User("t2", "alice"));
        Assert.NotEqual(codec.User("t", "alice"), new PrivacyCodec(K1, [], null).User("t", "alice"));
        Assert.Matches("^u\\.[A-Za-z0-9_-]{22}$", codec.User("t", "alice"));
    }

    private static PrivacyCodec Codec(string? current) => new(UserKey, new() { ["k1"] = K1, ["k2"] = K2 }, current);
}
