namespace MaaS.Models.Tests.Registry;

/// <summary>model.json's numeric settings: a value outside its range refuses the file naming the field.</summary>
public sealed class ModelConfigReaderTests
{
    [Theory]
    [InlineData("instances", 0)]
    [InlineData("instances", ModelConfig.MaxInstances + 1)]
    [InlineData("intraOpThreads", 0)]
    [InlineData("intraOpThreads", 1025)]
    public void TryParse_CountOutOfRange_RefusedNamingTheField(string field, int value)
    {
        AssertRefused($$"""{ "{{field}}": {{value}} }""", field);
    }

    [Theory]
    [InlineData("""{ "priorityLevels": -1 }""", "dynamicBatching.priorityLevels must be >= 0")]
    [InlineData("""{ "priorityLevels": 2 }""", "dynamicBatching.defaultPriorityLevel must be between 1 and priorityLevels (2)")]
    [InlineData("""{ "priorityLevels": 2, "defaultPriorityLevel": 3 }""", "dynamicBatching.defaultPriorityLevel must be between 1 and priorityLevels (2)")]
    [InlineData("""{ "defaultPriorityLevel": 1 }""", "dynamicBatching.defaultPriorityLevel must be 0 when priorityLevels is 0")]
    [InlineData("""{ "defaultQueuePolicy": { "timeoutAction": "DROP" } }""", "dynamicBatching.defaultQueuePolicy.timeoutAction must be REJECT or DELAY")]
    [InlineData("""{ "defaultQueuePolicy": { "defaultTimeoutMicroseconds": -5 } }""", "dynamicBatching.defaultQueuePolicy.defaultTimeoutMicroseconds must be >= 0")]
    [InlineData("""{ "defaultQueuePolicy": { "maxQueueSize": -1 } }""", "dynamicBatching.defaultQueuePolicy.maxQueueSize must be >= 0")]
    [InlineData("""{ "priorityLevels": 2, "defaultPriorityLevel": 1, "priorityQueuePolicy": { "3": {} } }""", "dynamicBatching.priorityQueuePolicy.3: the level must be between 1 and priorityLevels (2)")]
    [InlineData("""{ "priorityLevels": 2, "defaultPriorityLevel": 1, "priorityQueuePolicy": { "2": { "timeoutAction": "LATER" } } }""", "dynamicBatching.priorityQueuePolicy.2.timeoutAction must be REJECT or DELAY")]
    [InlineData("""{ "priorityLevels": "two" }""", "$.dynamicBatching.priorityLevels")]
    [InlineData("""{ "defaultQueuePolicy": { "allowTimeoutOverride": 1 } }""", "$.dynamicBatching.defaultQueuePolicy.allowTimeoutOverride")]
    public void TryParse_BadPriorityOrQueuePolicy_RefusedNamingTheField(string dynamicBatching, string expected)
    {
        AssertRefused($$"""{ "maxBatchSize": 8, "dynamicBatching": {{dynamicBatching}} }""", expected);
    }

    [Fact]
    public void TryParse_PriorityLevelsAndPolicies_ReadAsWritten()
    {
        var config = ModelConfigReader.TryParse("""
            { "maxBatchSize": 8, "dynamicBatching": { "priorityLevels": 2, "defaultPriorityLevel": 2,
              "defaultQueuePolicy": { "timeoutAction": "DELAY", "defaultTimeoutMicroseconds": 5000, "allowTimeoutOverride": true },
              "priorityQueuePolicy": { "1": { "maxQueueSize": 4 } } } }
            """, out string? error)!;

        Assert.Null(error);
        var batching = config.DynamicBatching;
        Assert.True(batching.NeedsPriorityQueues());
        Assert.True(batching.PolicyOf(2).Delays);
        Assert.Equal(5000, batching.PolicyOf(2).DefaultTimeoutMicroseconds);
        Assert.Equal(4, batching.PolicyOf(1).MaxQueueSize);
        Assert.False(batching.PolicyOf(1).Delays);
        Assert.False(ModelConfigReader.TryParse("{}", out _)!.DynamicBatching.NeedsPriorityQueues());
    }

    [Theory]
    [InlineData(0, """{ "name": "w", "batchSize": 2, "inputs": { "x": { "dims": [4], "zeroData": true } } }""", "batchSize must be 1")]
    [InlineData(8, """{ "name": "w", "batchSize": 9, "inputs": { "x": { "dims": [4], "zeroData": true } } }""", "batchSize must be between 1 and maxBatchSize (8)")]
    [InlineData(8, """{ "name": "w", "batchSize": 0, "inputs": { "x": { "dims": [4], "zeroData": true } } }""", "batchSize must be between")]
    [InlineData(8, """{ "name": " ", "inputs": { "x": { "dims": [4], "zeroData": true } } }""", "modelWarmup[0].name")]
    [InlineData(8, """{ "name": "w", "count": -1, "inputs": { "x": { "dims": [4], "zeroData": true } } }""", "count must be >= 0")]
    [InlineData(8, """{ "name": "w", "inputs": {} }""", "inputs must name every input")]
    [InlineData(8, """{ "name": "w", "inputs": { "x": { "dims": [0], "zeroData": true } } }""", "inputs.x.dims must all be fixed")]
    [InlineData(8, """{ "name": "w", "inputs": { "x": { "dims": [4] } } }""", "inputs.x needs exactly one of")]
    [InlineData(8, """{ "name": "w", "inputs": { "x": { "dims": [4], "zeroData": true, "randomData": true } } }""", "inputs.x needs exactly one of")]
    [InlineData(8, """{ "name": "w", "inputs": { "x": { "dims": [4], "inputDataFile": "../model.json" } } }""", "inputDataFile must be a file name")]
    [InlineData(8, """{ "name": "w", "inputs": { "x": { "dataType": "FLOAT", "dims": [4], "zeroData": true } } }""", "dataType 'FLOAT' is not")]
    public void TryParse_WarmupSampleBroken_RefusedNamingTheField(int maxBatchSize, string sample, string reason)
    {
        AssertRefused($$"""{ "maxBatchSize": {{maxBatchSize}}, "modelWarmup": [ {{sample}} ] }""", reason);
    }

    [Fact]
    public void TryParse_CountsInRangeOrAbsent_Read()
    {
        var set = ModelConfigReader.TryParse("""{ "instances": 2, "intraOpThreads": 2 }""", out _)!;
        var absent = ModelConfigReader.TryParse("{}", out _)!;

        Assert.Equal<(int?, int?)>((2, 2), (set.Instances, set.IntraOpThreads));
        Assert.Equal<(int?, int?)>((null, null), (absent.Instances, absent.IntraOpThreads));
    }
    private const string Tensors = """
        "input": [ { "name": "raw", "dataType": "FP32", "dims": [4] } ], "output": [ { "name": "out", "dataType": "TYPE_FP32", "dims": [3] } ]
        """;

    private const string Step = """{ "modelName": "m", "inputMap": { "x": "raw" }, "outputMap": { "y": "out" } }""";

    [Theory]
    [InlineData($$"""{ "format": "ensemble", {{Tensors}} }""", "ensembleScheduling.step must list at least one step")]
    [InlineData($$"""{ "format": "ensemble", {{Tensors}}, "ensembleScheduling": { "step": [] } }""", "ensembleScheduling.step must list at least one step")]
    [InlineData($$"""{ "format": "ensemble", {{Tensors}}, "ensembleScheduling": { "step": [ { "modelName": " ", "inputMap": { "x": "raw" }, "outputMap": { "y": "out" } } ] } }""", "ensembleScheduling.step[0].modelName must not be empty")]
    [InlineData($$"""{ "format": "ensemble", {{Tensors}}, "ensembleScheduling": { "step": [ { "modelName": "m", "modelVersion": 0, "inputMap": { "x": "raw" }, "outputMap": { "y": "out" } } ] } }""", "ensembleScheduling.step[0].modelVersion must be -1")]
    [InlineData($$"""{ "format": "ensemble", {{Tensors}}, "ensembleScheduling": { "step": [ { "modelName": "m", "modelVersion": -2, "inputMap": { "x": "raw" }, "outputMap": { "y": "out" } } ] } }""", "ensembleScheduling.step[0].modelVersion must be -1")]
    [InlineData($$"""{ "format": "ensemble", {{Tensors}}, "ensembleScheduling": { "step": [ { "modelName": "m", "outputMap": { "y": "out" } } ] } }""", "ensembleScheduling.step[0].inputMap must map at least one tensor")]
    [InlineData($$"""{ "format": "ensemble", {{Tensors}}, "ensembleScheduling": { "step": [ { "modelName": "m", "inputMap": { "x": "raw" } } ] } }""", "ensembleScheduling.step[0].outputMap must map at least one tensor")]
    [InlineData($$"""{ "format": "ensemble", {{Tensors}}, "ensembleScheduling": { "step": [ { "modelName": "m", "inputMap": { "x": "" }, "outputMap": { "y": "out" } } ] } }""", "ensembleScheduling.step[0].inputMap must not map an empty name")]
    [InlineData($$"""{ "format": "ensemble", "output": [ { "name": "out", "dataType": "FP32", "dims": [3] } ], "ensembleScheduling": { "step": [ {{Step}} ] } }""", "input must declare at least one tensor")]
    [InlineData($$"""{ "format": "ensemble", "input": [ { "name": "raw", "dataType": "FP32", "dims": [4] } ], "ensembleScheduling": { "step": [ {{Step}} ] } }""", "output must declare at least one tensor")]
    [InlineData($$"""{ "format": "ensemble", "input": [ { "name": "raw", "dataType": "FLOAT", "dims": [4] } ], "output": [ { "name": "out", "dataType": "FP32", "dims": [3] } ], "ensembleScheduling": { "step": [ {{Step}} ] } }""", "input[0].dataType 'FLOAT' is not a datatype")]
    [InlineData($$"""{ "format": "ensemble", "input": [ { "name": "raw", "dataType": "FP32", "dims": [0] } ], "output": [ { "name": "out", "dataType": "FP32", "dims": [3] } ], "ensembleScheduling": { "step": [ {{Step}} ] } }""", "input[0].dims must be positive or -1")]
    [InlineData($$"""{ "format": "ensemble", "input": [ { "name": "", "dataType": "FP32", "dims": [4] } ], "output": [ { "name": "out", "dataType": "FP32", "dims": [3] } ], "ensembleScheduling": { "step": [ {{Step}} ] } }""", "input[0].name must not be empty")]
    [InlineData($$"""{ "format": "ensemble", "input": [ { "name": "raw", "dataType": "FP32", "dims": [4] } ], "output": [ { "name": "out", "dataType": "FP32", "dims": [3] }, { "name": "out", "dataType": "FP32", "dims": [3] } ], "ensembleScheduling": { "step": [ {{Step}} ] } }""", "output[1].name 'out' is declared twice")]
    [InlineData($$"""{ "format": "onnx", "ensembleScheduling": { "step": [ {{Step}} ] } }""", "ensembleScheduling is only for \"format\": \"ensemble\"")]
    [InlineData($$"""{ {{Tensors}} }""", "input and output are declared only by an ensemble")]
    public void TryParse_EnsembleBroken_RefusedNamingTheField(string json, string reason)
    {
        AssertRefused(json, reason);
    }

    [Fact]
    public void TryParse_Ensemble_StepsRead_VersionDefaultsToLatest()
    {
        var config = ModelConfigReader.TryParse($$"""{ "format": "ensemble", {{Tensors}}, "ensembleScheduling": { "step": [ {{Step}} ] } }""", out string? error);

        Assert.True(config is not null, error);
        var step = Assert.Single(config.EnsembleScheduling!.Step);
        Assert.Equal(("m", -1L, "raw", "out"), (step.ModelName, step.ModelVersion, step.InputMap["x"], step.OutputMap["y"]));
        Assert.Equal(["raw"], config.Input.Select(i => i.Name));
    }

    private const string State = """ "state": [ { "inputName": "s_in", "outputName": "s_out", "dataType": "TYPE_FP32", "dims": [4] } ] """;

    [Theory]
    [InlineData("""{ "maxSequenceIdleMicroseconds": 0 }""", "sequenceBatching.maxSequenceIdleMicroseconds must be > 0")]
    [InlineData("""{ "maxSequences": 0 }""", "sequenceBatching.maxSequences must be >= 1")]
    [InlineData("""{ "direct": {} }""", "sequenceBatching.direct is not supported")]
    [InlineData("""{ "oldest": { "maxQueueDelayMicroseconds": -1 } }""", "sequenceBatching.oldest.maxQueueDelayMicroseconds must be >= 0")]
    [InlineData("""{ "controlInput": [ { "name": "S", "control": [ { "kind": "CONTROL_SEQUENCE_BEGIN", "int32FalseTrue": [0, 1] } ] } ] }""", "sequenceBatching.controlInput[0].control[0].kind 'CONTROL_SEQUENCE_BEGIN' is not one of")]
    [InlineData("""{ "controlInput": [ { "name": "S", "control": [ { "kind": "CONTROL_SEQUENCE_START" } ] } ] }""", "sequenceBatching.controlInput[0].control[0] must give exactly one of int32FalseTrue, fp32FalseTrue, boolFalseTrue")]
    [InlineData("""{ "controlInput": [ { "name": "S", "control": [ { "kind": "CONTROL_SEQUENCE_START", "int32FalseTrue": [1] } ] } ] }""", "sequenceBatching.controlInput[0].control[0]: the false/true values must be two")]
    [InlineData("""{ "controlInput": [ { "name": "S", "control": [ { "kind": "CONTROL_SEQUENCE_CORRID", "dataType": "TYPE_FP32" } ] } ] }""", "sequenceBatching.controlInput[0].control[0].dataType 'TYPE_FP32' must be TYPE_INT64, TYPE_INT32 or TYPE_STRING")]
    [InlineData("""{ "controlInput": [ { "name": "S", "control": [] } ] }""", "sequenceBatching.controlInput[0].control must hold exactly one control")]
    [InlineData("""{ "controlInput": [ { "name": "", "control": [ { "kind": "CONTROL_SEQUENCE_READY", "boolFalseTrue": [false, true] } ] } ] }""", "sequenceBatching.controlInput[0].name must not be empty")]
    [InlineData("""{ "state": [ { "inputName": "s_in", "outputName": "", "dataType": "TYPE_FP32", "dims": [4] } ] }""", "sequenceBatching.state[0].outputName must not be empty")]
    [InlineData("""{ "state": [ { "inputName": "s_in", "outputName": "s_out", "dataType": "TYPE_STRING", "dims": [4] } ] }""", "sequenceBatching.state[0].dataType 'TYPE_STRING' is not a numeric datatype")]
    [InlineData("""{ "state": [ { "inputName": "s_in", "outputName": "s_out", "dataType": "TYPE_FP32", "dims": [-1] } ] }""", "sequenceBatching.state[0].dims must list at least one dimension, each fixed (>= 1)")]
    [InlineData("""{ "state": [ { "inputName": "s_in", "outputName": "s_out", "dataType": "TYPE_FP32", "dims": [4], "initialState": [ { "dataFile": "s.bin" } ] } ] }""", "sequenceBatching.state[0].initialState[0]: only zeroData is supported")]
    [InlineData($$"""{ {{State}}, "controlInput": [ { "name": "s_in", "control": [ { "kind": "CONTROL_SEQUENCE_READY", "int32FalseTrue": [0, 1] } ] } ] }""", "sequenceBatching.state[0].inputName 's_in' is named twice in sequenceBatching")]
    [InlineData("""{ "maxSequences": "many" }""", "$.sequenceBatching.maxSequences")]
    public void TryParse_SequenceBatchingBroken_RefusedNamingTheField(string sequenceBatching, string expected)
    {
        AssertRefused($$"""{ "maxBatchSize": 8, "sequenceBatching": {{sequenceBatching}} }""", expected);
    }

    [Fact]
    public void TryParse_SequenceBatchingWithTheResponseCache_Refused()
    {
        AssertRefused($$"""{ "maxBatchSize": 8, "responseCache": { "enable": true }, "sequenceBatching": { {{State}} } }""", "responseCache cannot be enabled with sequenceBatching");
    }

    [Fact]
    public void TryParse_SequenceBatching_ReadAsWritten_TritonDefaults()
    {
        var config = ModelConfigReader.TryParse($$"""{ "maxBatchSize": 8, "sequenceBatching": { {{State}} } }""", out string? error);

        Assert.True(config is not null, error);
        var sequences = config.SequenceBatching!;
        Assert.Equal((1_000_000L, 1024, 0L), (sequences.MaxSequenceIdleMicroseconds, sequences.MaxSequences, sequences.QueueDelayMicroseconds));
        var state = Assert.Single(sequences.State);
        Assert.Equal(("s_in", "s_out", TensorDataType.Fp32), (state.InputName, state.OutputName, state.Type));
        Assert.Equal([4L], state.Dims);
    }

    /// <summary>The model.json is refused, and the refusal names <paramref name="expected"/> (a field or the rule broken).</summary>
    private static void AssertRefused(string json, string expected)
    {
        Assert.Null(ModelConfigReader.TryParse(json, out string? error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}
