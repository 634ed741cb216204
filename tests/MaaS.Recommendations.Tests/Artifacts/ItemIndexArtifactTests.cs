using MaaS.Recommendations.Artifacts;
using MaaS.Recommendations.Tests.Ranking;

namespace MaaS.Recommendations.Tests.Artifacts;

public sealed class ItemIndexArtifactTests
{
    [Theory]
    [InlineData(WeightPrecision.Float32)]
    [InlineData(WeightPrecision.Float16)]
    [InlineData(WeightPrecision.Int8)]
    public void SaveLoad_RoundTrip_GivesIdenticalRecommendations(WeightPrecision precision)
    {
        var index = TinyCatalogue.Build().WithPrecision(precision);
        string path = Path.Combine(Path.GetTempPath(), $"maas-cf-{Guid.NewGuid():N}.maasicf");
        try
        {
            ItemIndexArtifact.Save(index, path);
            var loaded = ItemIndexArtifact.Load(path);

            Assert.Equal(ArtifactError.None, loaded.Error);
            var copy = loaded.Index!;
            Assert.Equal(index.ItemIds, copy.ItemIds);
            Assert.Equal(precision, copy.Precision);
            Assert.Equal(index.Description, copy.Description);
            var request = new RecommendationRequest(["m0", "s2"], Count: 8, Explain: true, Filter: new ItemFilter(Genres: ["pop", "drama"]));
            Assert.Equal(Flatten(index.Recommend(request)), Flatten(copy.Recommend(request)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void WriteRead_Stream_RoundTrips()
    {
        var index = TinyCatalogue.Build();
        using var stream = new MemoryStream();
        ItemIndexArtifact.Write(index, stream);
        stream.Position = 0;

        var result = ItemIndexArtifact.Read(stream);

        Assert.Equal(ArtifactError.None, result.Error);
        Assert.Equal(index.NeighbourCount, result.Index!.NeighbourCount);
    }

    [Fact]
    public void Read_OneFlippedBit_ReportsChecksumMismatch()
    {
        var bytes = ItemIndexArtifact.ToBytes(TinyCatalogue.Build());
        var random = new Random(5);
        for (int trial = 0; trial < 20; trial++)
        {
            var copy = (byte[])bytes.Clone();
            int at = random.Next(copy.Length);
            copy[at] ^= (byte)(1 << random.Next(8));

            var result = ItemIndexArtifact.Read(copy);

            Assert.True(result.Error is ArtifactError.ChecksumMismatch or ArtifactError.BadMagic, $"byte {at}: {result.Error}");
            Assert.Null(result.Index);
        }
    }

    [Fact]
    public void Read_Truncated_ReportsTruncated()
    {
        var bytes = ItemIndexArtifact.ToBytes(TinyCatalogue.Build());

        Assert.Equal(ArtifactError.Truncated, ItemIndexArtifact.Read(bytes.AsSpan(0, bytes.Length - 64)).Error);
        Assert.Equal(ArtifactError.Truncated, ItemIndexArtifact.Read(bytes.AsSpan(0, 10)).Error);
    }

    [Fact]
    public void Read_WrongMagicOrVersion_ReportsThem()
    {
        var bytes = ItemIndexArtifact.ToBytes(TinyCatalogue.Build());
        var wrongMagic = (byte[])bytes.Clone();
        wrongMagic[0] = (byte)'X';
        var wrongVersion = (byte[])bytes.Clone();
        wrongVersion[8] = 9;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(wrongVersion.AsSpan(44), Crc32C.Compute(wrongVersion.AsSpan(0, 44)));

        Assert.Equal(ArtifactError.BadMagic, ItemIndexArtifact.Read(wrongMagic).Error);
        Assert.Equal(ArtifactError.UnsupportedVersion, ItemIndexArtifact.Read(wrongVersion).Error);
    }

    [Fact]
    public void Read_ValidChecksumsButNeighbourOutOfRange_ReportsCorrupt()
    {
        var index = TinyCatalogue.Build();
        var bytes = ItemIndexArtifact.ToBytes(index);
        // Find the neighbours section through the table and poison its first id, then re-seal both checksums.
        int sections = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(24));
        for (int s = 0; s < sections; s++)
        {
            var entry = bytes.AsSpan(64 + (s * 24));
            if (System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(entry) == 2)
            {
                long offset = System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(entry[8..]);
                System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan((int)offset), index.ItemCount + 5);
            }
        }

        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(40), Crc32C.Compute(bytes.AsSpan(64)));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(44), Crc32C.Compute(bytes.AsSpan(0, 44)));

        Assert.Equal(ArtifactError.Corrupt, ItemIndexArtifact.Read(bytes).Error);
    }

    [Fact]
    public void Load_MissingFile_ReportsNotFound()
    {
        Assert.Equal(ArtifactError.NotFound, ItemIndexArtifact.Load(Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}")).Error);
    }

    [Fact]
    public void Crc32C_KnownVector_MatchesStandard()
    {
        // The CRC-32C check value from RFC 3720 / the Castagnoli catalogue.
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));
    }

    private static string Flatten(RecommendationResult r) =>
        string.Join(";", r.Items.Select(i => $"{i.ItemId}:{i.Score:R}:{i.Source}:{string.Join(",", i.Because.Select(b => $"{b.ItemId}={b.Value:R}"))}"));
}
