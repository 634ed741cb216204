namespace MaaS.Services.Tests.Recommendations;

/// <summary>The default limits against the sizes docs/benchmarks.md and issue #15 name.</summary>
public sealed class BuildAdmissionTests
{
    public static TheoryData<string, long, long, long, string?> Sizes() => new()
    {
        // ml-100k: 1,682 items, 100,000 ratings, 943 users.
        { "default", 1_682, 100_000, 943, null },
        { "ease", 1_682, 100_000, 943, null },
        // ml-latest-small (issue #15: ease never answered in 600 s).
        { "default", 9_742, 100_836, 610, null },
        { "ease", 9_742, 100_836, 610, "Recommendations:MaxEaseItems = 3,000" },
        // The synthetic MovieLens-25M-shaped build of docs/benchmarks.md.
        { "default", 62_423, 25_000_000, 162_541, null },
        { "sar-jaccard", 62_423, 25_000_000, 162_541, null },
        { "default", 62_423, 30_000_001, 162_541, "Recommendations:MaxBuildEvents = 30,000,000" },
        { "default", 1_000_001, 10, 1, "Recommendations:MaxBuildItems = 1,000,000" },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Check_DefaultLimits_AdmitsOrNamesTheLimit(string preset, long items, long events, long users, string? limit)
    {
        var refused = BuildAdmission.Check(new BuildSize(items, events, users), new RecommendationOptions { Preset = preset });

        if (limit is null)
        {
            Assert.Null(refused);
        }
        else
        {
            Assert.NotNull(refused);
            Assert.Equal(ErrorCode.Unsupported, refused.Code);
            Assert.Contains(limit, refused.Message);
        }
    }

    [Fact]
    public void Check_EaseAtAndJustOverItsLimit_OnlyTheLatterRefusedWithTheMatrixSize()
    {
        var options = new RecommendationOptions { Preset = "ease", MaxEaseItems = 2_048 };

        Assert.Null(BuildAdmission.Check(new BuildSize(2_048, 1, 1), options));
        var refused = BuildAdmission.Check(new BuildSize(2_049, 1, 1), options);

        Assert.NotNull(refused);
        Assert.Contains("2,049×2,049 matrix (17 MiB", refused.Message);
    }
}
