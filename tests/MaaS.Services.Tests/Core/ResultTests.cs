namespace MaaS.Services.Tests.Core;

public sealed class ResultTests
{
    [Fact]
    public void Ok_HoldsValue_AndNoError()
    {
        Result<int> result = 42;

        Assert.True(result.IsSuccess);
        Assert.Equal(42, result.Value);
        Assert.True(result.TryGetValue(out int value, out var error));
        Assert.Equal(42, value);
        Assert.Null(error);
    }

    [Fact]
    public void Fail_HoldsError_AndValueThrows()
    {
        Result<string> result = Error.NotFound("item");

        Assert.False(result.IsSuccess);
        Assert.Equal(ErrorCode.NotFound, result.Error.Code);
        Assert.Equal("item not found", result.Error.Message);
        Assert.Throws<InvalidOperationException>(() => result.Value);
        Assert.False(result.TryGetValue(out _, out var error));
        Assert.Same(result.Error, error);
    }

    [Fact]
    public void Invalid_ListsEveryProblem_AndNamesTheFirst()
    {
        var error = Error.Invalid([new FieldProblem(0, "events[0].itemId", "is required"), new FieldProblem(2, "events[2].type", "must be lower-case")]);

        Assert.Equal(ErrorCode.InvalidRequest, error.Code);
        Assert.Equal(2, error.Problems.Count);
        Assert.Equal("2 problem(s); first: events[0].itemId: is required", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Error.Invalid([]));
    }

    [Fact]
    public void Cast_KeepsTheError_AndRefusesASuccess()
    {
        Result<int> failed = Error.Unavailable("database down");
        Result<int> succeeded = 1;

        var cast = failed.Cast<string>();

        Assert.Same(failed.Error, cast.Error);
        Assert.Throws<InvalidOperationException>(() => succeeded.Cast<string>());
    }

    [Fact]
    public async Task ThenAsync_Success_RunsTheNextStepOnTheValue()
    {
        Result<int> bound = 20;

        var fromValueTask = await bound.ThenAsync(n => ValueTask.FromResult<Result<string>>($"{n + 1}"));
        var fromTask = await bound.ThenAsync(n => Task.FromResult<Result<int>>(Error.NotFound($"item {n}")));

        Assert.Equal("21", fromValueTask.Value);
        Assert.Equal("item 20 not found", fromTask.Error?.Message);
    }

    [Fact]
    public async Task ThenAsync_Failure_PassesTheSameErrorWithoutRunningTheNextStep()
    {
        var unreadable = new Error(ErrorCode.InvalidRequest, "not JSON");
        Result<int> bound = unreadable;
        int runs = 0;

        var fromValueTask = await bound.ThenAsync(_ => { runs++; return ValueTask.FromResult<Result<string>>("ran"); });
        var fromTask = await bound.ThenAsync(_ => { runs++; return Task.FromResult<Result<string>>("ran"); });

        Assert.Equal(0, runs);
        Assert.Same(unreadable, fromValueTask.Error);
        Assert.Same(unreadable, fromTask.Error);
    }
}
