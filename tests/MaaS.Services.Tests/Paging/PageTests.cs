using MaaS.Services.Paging;

namespace MaaS.Services.Tests.Paging;

public sealed class PageTests
{
    [Theory]
    [InlineData(null, 20)]
    [InlineData(1, 1)]
    [InlineData(100, 100)]
    public void Create_LimitInBounds_TakenOrDefaulted(int? limit, int expected)
    {
        var request = PageRequest.Create(limit, "x");

        Assert.Equal(new PageRequest(expected, "x"), request.Value);
        Assert.Equal(expected + 1, request.Value.Probe);
    }

    [Theory]
    [InlineData(0, null, "limit")]
    [InlineData(101, null, "limit")]
    [InlineData(-5, null, "limit")]
    [InlineData(null, "", "after")]
    public void Create_OutOfBounds_InvalidNamingTheParameter(int? limit, string? after, string field)
    {
        var request = PageRequest.Create(limit, after);

        Assert.Equal(ErrorCode.InvalidRequest, request.Error?.Code);
        Assert.Equal(field, Assert.Single(request.Error!.Problems).Field);
    }

    [Fact]
    public void Create_BothWrong_BothNamed()
    {
        var request = PageRequest.Create(0, "");

        Assert.Equal(["limit", "after"], request.Error!.Problems.Select(p => p.Field));
    }

    [Theory]
    [InlineData(0, new string[0], null)]
    [InlineData(2, new[] { "a", "b" }, null)]
    [InlineData(3, new[] { "a", "b" }, "b")]
    public void Of_RowsUpToProbe_KeepsTheLimitAndPointsPastTheLastKept(int rows, string[] kept, string? next)
    {
        var request = new PageRequest(2, null);
        string[] read = ["a", "b", "c"];

        var page = Page.Of(read[..rows], request, s => s);

        Assert.Equal(kept, page.Items);
        Assert.Equal(next, page.NextAfter);
    }

    [Fact]
    public void UnknownCursor_NamesAfterAndWhatTheListHolds()
    {
        var error = Page.UnknownCursor("key of this tenant");

        Assert.Equal(ErrorCode.InvalidRequest, error.Code);
        Assert.Equal(("after", "is not the id of a key of this tenant: pass the last id of the previous page"), (error.Problems[0].Field, error.Problems[0].Reason));
    }
}
