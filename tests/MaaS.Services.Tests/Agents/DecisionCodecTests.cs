using System.Text.Json;
using MaaS.Agents.Features;
using MaaS.Services.Agents;

namespace MaaS.Services.Tests.Agents;

public sealed class DecisionCodecTests
{
    private static readonly FeatureSchema Schema = new(["level", "hp", "été"], ["cost"]);

    [Fact]
    public void WriteThenRead_SameSchema_ReturnsTheVectorsEligibilityAndBaseline()
    {
        var codec = new DecisionCodec(Schema);
        double[] context = [1.5, -0.1, 1e-300];
        ActionInput[] actions = [new("attack", [2]), new("flee", [0.25]), new("wait", [-3])];

        var read = codec.Read(codec.WriteContext(context), codec.WriteActions(actions, [true, false, true], 2));

        Assert.NotNull(read);
        Assert.Equal(context, read.Value.Input.Context);
        Assert.Equal(["attack", "flee", "wait"], read.Value.Input.Actions.Select(a => a.Id));
        Assert.Equal([2.0, 0.25, -3.0], read.Value.Input.Actions.Select(a => a.Features[0]));
        Assert.Equal([true, false, true], read.Value.Eligible);
        Assert.Equal(2, read.Value.Baseline);
    }

    [Fact]
    public void WriteContext_AnyValues_MatchesTheSerializersDictionaryJson()
    {
        // Logs written before the codec hold the serializer's output: the codec must write (and so read) the same text.
        var codec = new DecisionCodec(Schema);
        double[] context = [0.1, 123456789.125, -2];
        var named = new Dictionary<string, double> { ["level"] = 0.1, ["hp"] = 123456789.125, ["été"] = -2 };

        Assert.Equal(JsonSerializer.Serialize(named, JsonSerializerOptions.Web), codec.WriteContext(context));
    }

    [Fact]
    public void Read_OtherSchema_MapsFeaturesByNameAndZeroesMissingOnes()
    {
        string context = new DecisionCodec(Schema).WriteContext([1, 2, 3]);
        string actions = new DecisionCodec(Schema).WriteActions([new ActionInput("a", [7])], [true], -1);
        var redefined = new DecisionCodec(new FeatureSchema(["hp", "mana", "level"], ["cost", "range"]));

        var read = redefined.Read(context, actions);

        Assert.NotNull(read);
        Assert.Equal([2.0, 0, 1], read.Value.Input.Context);
        Assert.Equal([7.0, 0], read.Value.Input.Actions[0].Features);
        Assert.Equal(-1, read.Value.Baseline);
    }

    [Fact]
    public void WriteActions_NoActionFeatures_WritesOnlyIdsAndIneligibilityAndReadsBack()
    {
        var codec = new DecisionCodec(new FeatureSchema(["level"], []));
        ActionInput[] actions = [new("attack", []), new("flee", []), new("wait", [])];

        string written = codec.WriteActions(actions, [true, false, true], 2);
        var read = codec.Read(codec.WriteContext([1]), written);

        Assert.Equal("""[{"id":"attack"},{"id":"flee","eligible":false},{"id":"wait","baseline":true}]""", written);
        Assert.NotNull(read);
        Assert.Equal(["attack", "flee", "wait"], read.Value.Input.Actions.Select(a => a.Id));
        Assert.Equal([true, false, true], read.Value.Eligible);
        Assert.Equal(2, read.Value.Baseline);
    }

    [Fact]
    public void Read_RowsWrittenBeforeTheCompactActions_ReadAsTheyDid()
    {
        // Until 2026-12-05 every action carried "features" (even empty) and "eligible" (even true).
        const string Old = """[{"id":"attack","features":{},"eligible":true},{"id":"flee","features":{"cost":2},"eligible":false,"baseline":true}]""";
        var codec = new DecisionCodec(Schema);

        var read = codec.Read(codec.WriteContext([1, 2, 3]), Old);

        Assert.NotNull(read);
        Assert.Equal([0.0, 2.0], read.Value.Input.Actions.Select(a => a.Features[0]));
        Assert.Equal([true, false], read.Value.Eligible);
        Assert.Equal(1, read.Value.Baseline);
    }

    [Theory]
    [InlineData("{\"level\":1}", "[]")]
    [InlineData("{\"level\":\"x\"}", "[{\"id\":\"a\",\"features\":{},\"eligible\":true}]")]
    [InlineData("null", "[{\"id\":\"a\",\"features\":{},\"eligible\":true}]")]
    [InlineData("{\"level\":1}", "[{\"features\":{},\"eligible\":true}]")]
    [InlineData("{\"level\":1", "[{\"id\":\"a\",\"features\":{},\"eligible\":true}]")]
    [InlineData("{}", "[{\"id\":\"a\",\"features\":{\"cost\":1},\"eligible\":true}")]
    public void Read_NotTheLogsFormat_ReturnsNull(string context, string actions) =>
        Assert.Null(new DecisionCodec(Schema).Read(context, actions));

    [Fact]
    public void RecentDecisions_PastCapacity_ForgetsTheOldestAndGivesEachOnce()
    {
        var recent = new RecentDecisions(2);
        var input = new DecisionInput([1], [new ActionInput("a", [])]);
        recent.Add("d1", new RecentDecision(input, 0, [true], -1));
        recent.Add("d2", new RecentDecision(input, 0, [true], -1));
        Assert.NotNull(recent.Take("d2"));
        recent.Add("d3", new RecentDecision(input, 0, [true], -1));

        Assert.Null(recent.Take("d1"));
        Assert.Null(recent.Take("d2"));
        Assert.NotNull(recent.Take("d3"));
    }
}
