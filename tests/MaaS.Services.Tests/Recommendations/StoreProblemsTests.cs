namespace MaaS.Services.Tests.Recommendations;

/// <summary>The one mapping from a store's failure to the API's error that the recommendation services share.</summary>
public sealed class StoreProblemsTests
{
    [Fact]
    public void ToApiError_StoreRefusedTheRequest_ProblemsUnderTheApiFieldNameBatchOnesKept()
    {
        var refused = new Error(ErrorCode.InvalidRequest, "refused", [new FieldProblem(-1, "user_id", "too long"), new FieldProblem(2, "itemId", "empty")]);

        var error = StoreProblems.ToApiError(refused, "userId", "the event store is unavailable");

        Assert.Equal(ErrorCode.InvalidRequest, error.Code);
        Assert.Equal(new[] { new FieldProblem(-1, "userId", "too long"), new FieldProblem(2, "itemId", "empty") }, error.Problems);
    }

    [Fact]
    public void ToApiError_RefusalWithoutProblems_TheMessageUnderTheApiFieldName()
    {
        var error = StoreProblems.ToApiError(new Error(ErrorCode.InvalidRequest, "ids are at most 128 characters"), "id", "unused");

        Assert.Equal(new[] { new FieldProblem(-1, "id", "ids are at most 128 characters") }, error.Problems);
    }

    [Theory]
    [InlineData(ErrorCode.DependencyUnavailable)]
    [InlineData(ErrorCode.Timeout)]
    public void ToApiError_AnyOtherFailure_UnavailableWithTheCallersWordsAndNoStoreDetail(ErrorCode code)
    {
        var error = StoreProblems.ToApiError(new Error(code, "SQLite Error 10: disk I/O error"), "id", "the event store is unavailable; nothing was erased");

        Assert.Equal(ErrorCode.DependencyUnavailable, error.Code);
        Assert.Equal("the event store is unavailable; nothing was erased", error.Message);
        Assert.Empty(error.Problems);
    }
}
