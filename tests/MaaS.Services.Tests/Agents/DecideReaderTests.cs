using System.Text;
using System.Text.Json;
using MaaS.Agents.Features;
using MaaS.Agents.Policies;
using MaaS.Services.Agents;

namespace MaaS.Services.Tests.Agents;

/// <summary>
/// The direct UTF-8 reader of decide bodies against the general path (the serializer's <see cref="DecideRequest"/> and
/// <see cref="DecideValidation"/>): it gives the same input, exclusions and decision for every body it takes, and takes
/// no body the general path refuses, so every error is worded there.
/// </summary>
public sealed class DecideReaderTests
{
    // Open-set and defined-set agents; action defaults that the request may override.
    private const string Defined = """
        {"contextFeatures":["skill","hour","mood_2"],"actionFeatures":["difficulty","cost"],
         "actions":[{"id":"easy","features":{"difficulty":0.2,"cost":1}},{"id":"normal","features":{"difficulty":0.5,"cost":2}},{"id":"hard","features":{"difficulty":0.9,"cost":3}}],
         "policy":{"kind":"linucb","alpha":0.5,"seed":11,"model":"shared"},
         "rules":[{"name":"no-hard","when":"context.skill < 0.3 and action.difficulty >= 0.7","effect":"forbid"}]}
        """;

    private const string Open = """
        {"contextFeatures":["skill","hour"],"actionFeatures":["difficulty"],"policy":{"kind":"epsilon-greedy","epsilon":0.3,"seed":5,"model":"disjoint"}}
        """;

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 32 };

    [Theory]
    [InlineData(Defined, """{"context":{"skill":0.7,"hour":0.25,"mood_2":-1.5}}""")]
    [InlineData(Defined, """{"context":{"mood_2":3,"skill":0.1},"explain":true}""")]
    [InlineData(Defined, """  {"explain":false,"context":{"hour":1e-300}}  """)]
    [InlineData(Defined, """{"context":{}}""")]
    [InlineData(Defined, """{"context":null,"actions":null,"excluded":null,"baseline":null}""")]
    [InlineData(Defined, """{}""")]
    [InlineData(Defined, """{"context":{"skill":0.5},"excluded":["normal","easy","normal"]}""")]
    [InlineData(Defined, """{"context":{"skill":0.5},"actions":[{"id":"hard","features":{"cost":-4}},{"id":"easy"}]}""")]
    [InlineData(Defined, """{"context":{"skill":0.5},"actions":[{"features":{"difficulty":0.1},"id":"normal"},{"id":"easy","features":null}],"excluded":["easy"]}""")]
    [InlineData(Defined, "{\"context\":{\"skill\":0.5},\n \"actions\":[{\"id\":\"e\\u0061sy\"}]}")]
    [InlineData(Open, """{"context":{"skill":0.5,"hour":2},"actions":[{"id":"x","features":{"difficulty":0.3}},{"id":"y"}]}""")]
    [InlineData(Open, """{"actions":[{"id":"only"}],"explain":true}""")]
    [InlineData(Defined, """{"context":{"sk\u0069ll":0.5,"hour":1}}""")]
    [InlineData(Defined, """{"context":{"skill":0.5},"deferActivation":true}""")]
    [InlineData(Defined, """{"deferActivation":false,"context":{"skill":0.5},"explain":true}""")]
    [InlineData(Open, """{"actions":[{"id":"only"}],"deferActivation":true,"explain":false}""")]
    public void TryRead_ValidBody_GivesWhatValidationGivesAndTheSameDecision(string definition, string json)
    {
        CompiledAgent agent = Compile(definition);
        var codec = new DecisionCodec(agent.Schema);
        DecideRequest request = JsonSerializer.Deserialize<DecideRequest>(json, Web)!;
        var general = DecideValidation.Validate(request, agent);
        Assert.True(general.IsSuccess, general.IsSuccess ? null : general.Error.Message);

        DecideRead? read = DecideReader.TryRead(Encoding.UTF8.GetBytes(json), agent, codec, ReaderOptions);

        Assert.NotNull(read);
        Assert.Equal(general.Value.Input.Context, read.Input.Context);
        Assert.Equal(general.Value.Input.Actions.Select(a => a.Id), read.Input.Actions.Select(a => a.Id));
        for (int i = 0; i < read.Input.Actions.Count; i++)
        {
            Assert.Equal(general.Value.Input.Actions[i].Features, read.Input.Actions[i].Features);
        }
        Assert.Equal(general.Value.Excluded, read.Excluded);
        Assert.Equal(request.Explain, read.Explain);
        Assert.Equal(request.Baseline, read.Baseline);
        Assert.Equal(request.DeferActivation, read.DeferActivation);
        // The context the decision log keeps (the request's own object, or written from the vector) reads back as the same values.
        string logged = read.LogContext ?? codec.WriteContext(read.Input.Context);
        var back = codec.Read(logged, codec.WriteActions(read.Input.Actions, [.. read.Input.Actions.Select(_ => true)], -1));
        Assert.NotNull(back);
        Assert.Equal(general.Value.Input.Context, back.Value.Input.Context);

        // Two runtimes of the same seeded definition, each taught the same rewards, decide alike from either input.
        var before = Decide(agent, general.Value.Input, general.Value.Excluded);
        var after = Decide(agent, read.Input, read.Excluded);
        Assert.Equal(before.Chosen, after.Chosen);
        Assert.Equal(before.Probabilities, after.Probabilities);
        Assert.Equal(before.Scores, after.Scores);
    }

    [Fact]
    public void TryRead_ContextObject_IsTheLogsContextAsSent_ReadBackExactly()
    {
        CompiledAgent agent = Compile(Defined);
        var codec = new DecisionCodec(agent.Schema);
        const string context = """{ "hour" : 1E-3,"sk\u0069ll":0.50 }""";

        DecideRead? read = DecideReader.TryRead(Encoding.UTF8.GetBytes($$"""{"explain":true, "context":{{context}} , "excluded":[]}"""), agent, codec, ReaderOptions);

        Assert.NotNull(read);
        Assert.Equal(context, read.LogContext);
        var back = codec.Read(read.LogContext!, codec.WriteActions(read.Input.Actions, [true, true, true], -1));
        Assert.NotNull(back);
        Assert.Equal([0.5, 0.001, 0], back.Value.Input.Context);
        Assert.Null(DecideReader.TryRead("""{"context":null}"""u8, agent, codec, ReaderOptions)!.LogContext);
    }

    [Fact]
    public void TryRead_DefinedActionsNotNamed_SharesTheAgentsCandidates()
    {
        CompiledAgent agent = Compile(Defined);

        DecideRead? read = DecideReader.TryRead("""{"context":{"skill":1}}"""u8, agent, new DecisionCodec(agent.Schema), ReaderOptions);

        Assert.NotNull(read);
        Assert.Same(agent.DefaultCandidates, read.Input.Actions);
    }

    [Theory]
    // Refused by validation: an unknown feature (context and action), actions outside the set, repeated, none, too many kinds of wrong.
    [InlineData(Defined, """{"context":{"strength":0.5}}""")]
    [InlineData(Defined, """{"context":{"skill":0.5},"actions":[{"id":"boss"}]}""")]
    [InlineData(Defined, """{"context":{"skill":0.5},"actions":[{"id":"easy"},{"id":"easy"}]}""")]
    [InlineData(Defined, """{"context":{"skill":0.5},"actions":[]}""")]
    [InlineData(Defined, """{"context":{"skill":0.5},"actions":[{"id":"easy","features":{"speed":1}}]}""")]
    [InlineData(Defined, """{"context":{"skill":0.5},"actions":[{"id":" "}]}""")]
    [InlineData(Defined, """{"context":{"skill":0.5},"actions":[{"features":{"cost":1}}]}""")]
    [InlineData(Defined, """{"context":{"skill":0.5},"excluded":["boss"]}""")]
    [InlineData(Open, """{"context":{"skill":0.5}}""")]
    public void TryRead_BodyValidationRefuses_DeclinesIt(string definition, string json)
    {
        CompiledAgent agent = Compile(definition);
        DecideRequest? request = JsonSerializer.Deserialize<DecideRequest>(json, Web);
        Assert.False(DecideValidation.Validate(request, agent).IsSuccess);

        Assert.Null(DecideReader.TryRead(Encoding.UTF8.GetBytes(json), agent, new DecisionCodec(agent.Schema), ReaderOptions));
    }

    [Theory]
    // Refused by the serializer, or by validation once the serializer read them as non-finite: NaN and infinity (as
    // literals, strings or overflow), wrong types, nulls a bool or a number cannot be, malformed or truncated JSON,
    // trailing content, comments, trailing commas, a member the contract does not have (top level or in an action).
    [InlineData("""{"context":{"skill":NaN}}""")]
    [InlineData("""{"context":{"skill":"NaN"}}""")]
    [InlineData("""{"context":{"skill":"Infinity"}}""")]
    [InlineData("""{"context":{"skill":1e400}}""")]
    [InlineData("""{"context":{"skill":0.5},"actions":[{"id":"easy","features":{"cost":-1e999}}]}""")]
    [InlineData("""{"context":{"skill":true}}""")]
    [InlineData("""{"context":{"skill":null}}""")]
    [InlineData("""{"context":{"skill":{}}}""")]
    [InlineData("""{"context":[0.5]}""")]
    [InlineData("""{"context":0.5}""")]
    [InlineData("""{"context":{"skill":0.5},"explain":"yes"}""")]
    [InlineData("""{"context":{"skill":0.5},"explain":null}""")]
    [InlineData("""{"context":{"skill":0.5},"baseline":3}""")]
    [InlineData("""{"context":{"skill":0.5},"deferActivation":null}""")]
    [InlineData("""{"context":{"skill":0.5},"deferActivation":"true"}""")]
    [InlineData("""{"context":{"skill":0.5},"deferActivation":1}""")]
    [InlineData("""{"context":{"skill":0.5},"excluded":"easy"}""")]
    [InlineData("""{"context":{"skill":0.5},"excluded":[1]}""")]
    [InlineData("""{"context":{"skill":0.5},"actions":{"id":"easy"}}""")]
    [InlineData("""{"context":{"skill":0.5},"actions":[{"id":1}]}""")]
    [InlineData("""{"context":{"skill":0.5},"actions":[{"id":"easy","features":[1]}]}""")]
    [InlineData("""{"context":{"skill":0.5}""")]
    [InlineData("""{"context":{"skill":0.5}} {}""")]
    [InlineData("""{"context":{"skill":0.5},}""")]
    [InlineData("""{"context":{"skill":0.5} /* c */}""")]
    [InlineData("""[{"context":{}}]""")]
    [InlineData("")]
    [InlineData("""{"context":{"skill":0.5},"explian":true}""")]
    [InlineData("""{"context":{"skill":0.5},"actions":[{"id":"easy","cost":1}]}""")]
    public void TryRead_SerializerOrValidationRefuses_DeclinesIt(string json)
    {
        CompiledAgent agent = Compile(Defined);
        Assert.True(GeneralPathRefuses(json, agent));

        Assert.Null(DecideReader.TryRead(Encoding.UTF8.GetBytes(json), agent, new DecisionCodec(agent.Schema), ReaderOptions));
    }

    [Fact]
    public void TryRead_DeeperThanTheLimit_Declines()
    {
        CompiledAgent agent = Compile(Defined);
        byte[] json = """{"context":{"skill":0.5},"actions":[{"id":"easy","features":{"cost":1}}]}"""u8.ToArray();

        Assert.NotNull(DecideReader.TryRead(json, agent, new DecisionCodec(agent.Schema), new JsonReaderOptions { MaxDepth = 4 }));
        Assert.Null(DecideReader.TryRead(json, agent, new DecisionCodec(agent.Schema), new JsonReaderOptions { MaxDepth = 3 }));
    }

    [Theory]
    // Bodies the general path takes but the reader leaves to it: other casing, escaped names, numbers in strings,
    // repeated or unknown properties, a null body, a null action, a multi-slot decide.
    [InlineData("""{"Context":{"skill":0.5}}""")]
    [InlineData("""{"context":{"skill":"0.5"}}""")]
    [InlineData("""{"context":{"skill":0.5},"comment":"x"}""")]
    [InlineData("""{"context":{"skill":0.5},"actions":[{"id":"easy","note":1}]}""")]
    [InlineData("""{"context":{"skill":0.5,"skill":0.7}}""")]
    [InlineData("""{"context":{"skill":0.5},"DeferActivation":true}""")]
    [InlineData("""{"context":{"skill":0.5},"deferActivation":true,"deferActivation":false}""")]
    [InlineData("""{"context":{"skill":0.5},"slots":[{"id":"hero"},{"id":"shelf"}]}""")]
    [InlineData("null")]
    public void TryRead_OutsideTheExactShape_LeavesItToTheGeneralPath(string json)
    {
        CompiledAgent agent = Compile(Defined);

        Assert.Null(DecideReader.TryRead(Encoding.UTF8.GetBytes(json), agent, new DecisionCodec(agent.Schema), ReaderOptions));
    }

    [Fact]
    public void Validate_Slots_EachSlotsContextIsTheSharedOneUnderItsFeatures()
    {
        CompiledAgent agent = Compile(Defined);
        var request = JsonSerializer.Deserialize<DecideRequest>(
            """{"context":{"skill":0.5,"hour":0.25},"slots":[{"id":"hero","features":{"hour":0.75,"mood_2":1},"excludedActions":["hard"]},{"id":"shelf","baselineAction":"easy"}]}""", Web);

        var validated = DecideValidation.Validate(request, agent);

        Assert.True(validated.IsSuccess, validated.IsSuccess ? null : validated.Error.Message);
        IReadOnlyList<SlotRead> slots = validated.Value.Slots!;
        Assert.Equal(["hero", "shelf"], slots.Select(s => s.Id));
        Assert.Equal([0.5, 0.75, 1.0], slots[0].Context);
        Assert.Equal([0.5, 0.25, 0.0], slots[1].Context);
        Assert.Equal([0.5, 0.25, 0.0], validated.Value.Input.Context);
        Assert.Equal([false, false, true], slots[0].Excluded);
        Assert.Equal([false, false, false], slots[1].Excluded);
        Assert.Equal((null, "easy"), (slots[0].Baseline, slots[1].Baseline));
    }

    private static bool GeneralPathRefuses(string json, CompiledAgent agent)
    {
        try
        {
            return !DecideValidation.Validate(JsonSerializer.Deserialize<DecideRequest>(json, Web), agent).IsSuccess;
        }
        catch (JsonException)
        {
            return true;
        }
    }

    private static CompiledAgent Compile(string definition)
    {
        var compiled = AgentValidation.Definition(JsonSerializer.Deserialize<AgentDefinitionRequest>(definition, Web));
        Assert.True(compiled.IsSuccess, compiled.IsSuccess ? null : compiled.Error.Message);
        return compiled.Value;
    }

    private static PolicyDecision Decide(CompiledAgent agent, DecisionInput input, bool[] excluded)
    {
        var runtime = new AgentRuntime(new AgentRecord("t", "a", "{}", 1, DateTimeOffset.UnixEpoch), agent);
        var rules = agent.Rules.Apply(input, excluded);
        // A few rewards first, so the scores are not all equal.
        for (int i = 0; i < 5; i++)
        {
            var taught = runtime.Decide(input, rules.Eligible).Decision;
            runtime.Remember($"d{i}", input, taught.Chosen, rules.Eligible, -1);
            runtime.Learn(new AgentDecision($"d{i}", "t", "a", "{}", "[]", input.Actions[taught.Chosen].Id, taught.Probabilities[taught.Chosen], DateTimeOffset.UnixEpoch), i % 2);
        }
        return runtime.Decide(input, rules.Eligible).Decision;
    }
}
