namespace MaaS.Services.Tests.Core;

public sealed class FieldProblemTests
{
    private static readonly string[] Recommend = ["userId", "sessionId", "items", "count", "filters", "diversity", "explain", "include", "strategy", "debias"];

    [Theory]
    [InlineData("cout", "count")] // a letter left out
    [InlineData("counts", "count")] // one added
    [InlineData("cuont", "count")] // two swapped: one edit
    [InlineData("userID", "userId")] // case alone is no edit
    [InlineData("user_id", "userId")] // '_' added, 'i' for 'I'
    [InlineData("divresity", "diversity")]
    [InlineData("sesionId", "sessionId")]
    [InlineData("explan", "explain")]
    public void UnknownMember_WithinTwoEdits_NamesTheMemberMeant(string name, string meant)
    {
        var problem = FieldProblem.UnknownMember(null, name, name, Recommend);

        Assert.Equal($"unknown member '{name}' (did you mean '{meant}'?)", problem.Reason);
        Assert.Equal(name, problem.Field);
        Assert.Null(problem.Index);
    }

    [Theory]
    [InlineData("limit")] // three edits or more from every member
    [InlineData("n")]
    [InlineData("recommendations")]
    public void UnknownMember_NothingNear_NamesOnlyTheMember(string name)
    {
        var problem = FieldProblem.UnknownMember(3, $"events[3].{name}", name, Recommend);

        Assert.Equal($"unknown member '{name}'", problem.Reason);
        Assert.Equal($"events[3].{name}", problem.Field);
        Assert.Equal(3, problem.Index);
    }

    [Fact]
    public void UnknownMember_TwoNear_TheCloserOne()
    {
        var problem = FieldProblem.UnknownMember(null, "labe", "labe", ["labels", "label"]);

        Assert.Equal("unknown member 'labe' (did you mean 'label'?)", problem.Reason);
    }

    [Fact]
    public void UnknownMember_EveryLetterChanged_NoSuggestion()
    {
        // Two edits, but as many as the names are long: another name, not a typo of this one.
        Assert.Equal("unknown member 'ok'", FieldProblem.UnknownMember(null, "ok", "ok", ["id"]).Reason);
    }

    [Fact]
    public void UnknownMember_NoMembers_NamesOnlyTheMember()
    {
        Assert.Equal("unknown member 'x'", FieldProblem.UnknownMember(null, "x", "x", []).Reason);
    }
}
