namespace MaaS.Agents.Tests.Policies;

/// <summary>A policy's state written and read back into a fresh policy: the copy scores and learns as the original.</summary>
public sealed class PolicyStateTests
{
    private static readonly FeatureSchema Schema = new(["x", "y"], ["is_a", "is_b"]);

    private static DecisionInput Input(int i) =>
        new([(i % 7) / 7.0, (i % 3) - 1], [new ActionInput("a", [1, 0]), new ActionInput("b", [0, 1]), new ActionInput("c" + (i % 2), [0.5, 0.5])]);

    private static byte[] Write(Action<BinaryWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer))
        {
            write(writer);
        }
        return buffer.ToArray();
    }

    /// <summary>Every learning policy: each kind but onnx (which learns nothing) on each model; random keeps the shared one.</summary>
    public static TheoryData<PolicyKind, LinearModelKind> Policies() =>
        new([.. from kind in new[] { PolicyKind.Random, PolicyKind.EpsilonGreedy, PolicyKind.LinUcb }
                from model in Enum.GetValues<LinearModelKind>()
                where kind != PolicyKind.Random || model == LinearModelKind.Shared
                select (kind, model)]);

    [Theory]
    [MemberData(nameof(Policies))]
    public void ReadState_WrittenByALearntPolicy_ScoresAndLearnsExactlyAsIt(PolicyKind kind, LinearModelKind model)
    {
        var settings = new PolicySettings(kind, Epsilon: 0.2, Model: model, Seed: 5, Optimism: 0.3, PriorWeight: model == LinearModelKind.Disjoint ? 0.5 : 0);
        var original = new BanditPolicy(Schema, settings);
        for (int i = 0; i < 200; i++)
        {
            original.Learn(Input(i), i % 3, (i % 5) / 4.0);
        }

        var copy = new BanditPolicy(Schema, settings);
        bool read = copy.ReadState(new BinaryReader(new MemoryStream(Write(original.WriteState))));
        for (int i = 200; i < 260; i++)
        {
            original.Learn(Input(i), i % 3, (i % 5) / 4.0);
            copy.Learn(Input(i), i % 3, (i % 5) / 4.0);
        }

        Assert.True(read, $"{kind}/{model}: the state did not read back");
        Assert.Equal(original.Updates, copy.Updates);
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(original.Decide(Input(i), [true, true, true]).Scores, copy.Decide(Input(i), [true, true, true]).Scores);
        }
    }

    [Fact]
    public void ReadState_OtherSchemaOrCutShort_Refused()
    {
        var settings = new PolicySettings(PolicyKind.LinUcb, Model: LinearModelKind.Shared);
        var original = new BanditPolicy(Schema, settings);
        original.Learn(Input(1), 0, 1);
        byte[] state = Write(original.WriteState);

        var wider = new BanditPolicy(new FeatureSchema(["x", "y", "z"], ["is_a", "is_b"]), settings);

        Assert.False(wider.ReadState(new BinaryReader(new MemoryStream(state))));
        Assert.Throws<EndOfStreamException>(() => new BanditPolicy(Schema, settings).ReadState(new BinaryReader(new MemoryStream(state[..^8]))));
    }

    [Fact]
    public void ApprenticeReadState_WrittenMidWindow_SwitchesAtTheSameDecision()
    {
        var learner = new PolicySettings(PolicyKind.EpsilonGreedy, Epsilon: 0.1, Seed: 2);
        var settings = new ApprenticeSettings(Margin: 0, Window: 100);
        var original = new ApprenticePolicy(Schema, learner, settings);
        var copy = new ApprenticePolicy(Schema, learner, settings);
        // The baseline (a) earns nothing and c earns 1: the learner's estimate overtakes it once the window is full.
        void Teach(ApprenticePolicy policy, int i) => policy.Learn(Input(i), i % 3, i % 3 == 2 ? 1 : 0, i % 3 == 0 ? 0.9 : 0.05, 0);
        for (int i = 0; i < 60; i++)
        {
            Teach(original, i);
        }

        bool read = copy.ReadState(new BinaryReader(new MemoryStream(Write(original.WriteState))));
        for (int i = 60; i < 400; i++)
        {
            Teach(original, i);
            Teach(copy, i);
        }

        Assert.True(read);
        Assert.Equal(original.Estimate, copy.Estimate);
        Assert.Equal(ApprenticeMode.Learned, copy.Mode);
    }
}
