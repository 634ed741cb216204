using System.Text;
using MaaS.Services.Training;

namespace MaaS.Services.Tests.Training;

/// <summary>
/// The training upload's hand-written JSON reader matches member names as every bound /v1 body does
/// (<c>JsonSerializerDefaults.Web</c>: case-insensitive), and still names a member no contract has.
/// </summary>
public sealed class TrainingDatasetParserTests
{
    private static readonly TrainingOptions Options = new() { MinExamplesPerLabel = 1 };

    [Fact]
    public void Parse_JsonMembersInAnotherCase_ReadAsTheContractsMembers()
    {
        string body = """{"Model":"m","MULTILABEL":true,"Settings":{"Folds":3,"LAMBDAS":[0.5],"featuresets":["words"]},"Rows":[{"Text":"x","Labels":["a","b"]},{"TEXT":"y","label":"b"}]}""";

        var parsed = TrainingDatasetParser.Parse("application/json", Encoding.UTF8.GetBytes(body), new TrainingParameters(), Options);

        Assert.True(parsed.IsSuccess, $"{body}: {parsed.Error?.Message} {string.Join("; ", parsed.Error?.Problems?.Select(p => $"{p.Field} {p.Reason}") ?? [])}");
        var spec = parsed.Value.Spec;
        Assert.Equal(("m", true, 3), (spec.Model, spec.MultiLabel, spec.Folds));
        Assert.Equal([0.5], spec.Lambdas);
        Assert.Equal(["words"], spec.FeatureSets);
        Assert.Equal([["a", "b"], ["b"]], parsed.Value.Rows.Select(r => r.Labels));
        Assert.Equal(["x", "y"], parsed.Value.Rows.Select(r => r.Text));
    }

    [Fact]
    public void Parse_JsonLinesMembersInAnotherCase_Read()
    {
        string body = "{\"Text\":\"x\",\"Label\":\"a\"}\n{\"TEXT\":\"y\",\"LABELS\":[\"b\"]}\n";

        var parsed = TrainingDatasetParser.Parse("application/x-ndjson", Encoding.UTF8.GetBytes(body), new TrainingParameters("m"), Options);

        Assert.True(parsed.IsSuccess, $"{body}: {parsed.Error?.Message}");
        Assert.Equal([("x", "a"), ("y", "b")], parsed.Value.Rows.Select(r => (r.Text, r.Labels.Single())));
    }

    [Theory]
    [InlineData("""{"model":"m","multiLabels":true,"rows":[{"text":"x","label":"a"},{"text":"y","label":"b"}]}""", "multiLabels", "unknown member 'multiLabels' (did you mean 'multiLabel'?)")]
    [InlineData("""{"Model":"m","Settings":{"Fold":3},"rows":[{"text":"x","label":"a"},{"text":"y","label":"b"}]}""", "Settings.Fold", "unknown member 'Fold' (did you mean 'folds'?)")]
    [InlineData("""{"model":"m","rows":[{"text":"x","label":"a"},{"Text":"y","Lable":"b"}]}""", "rows[1].Lable", "unknown member 'Lable' (did you mean 'label'?)")]
    [InlineData("""{"model":"m","ROWS":[{"text":"x","label":"a"},{"Text":"y","Lable":"b"}]}""", "ROWS[1].Lable", "unknown member 'Lable' (did you mean 'label'?)")]
    public void Parse_JsonMemberNoContractHas_NamedWhateverItsCase(string body, string field, string reason)
    {
        var parsed = TrainingDatasetParser.Parse("application/json", Encoding.UTF8.GetBytes(body), new TrainingParameters(), Options);

        var problems = parsed.Error?.Problems ?? [];
        Assert.True(problems.Any(p => p.Field == field && p.Reason == reason), $"{body}: want {field} '{reason}', got {string.Join("; ", problems.Select(p => $"{p.Field} '{p.Reason}'"))}");
    }
}
