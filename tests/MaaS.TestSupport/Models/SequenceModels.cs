using MaaS.Models.Authoring;
using MaaS.Models.Examples;

namespace MaaS.TestSupport.Models;

/// <summary>
/// Stateful models for the sequence batcher's tests: the bundled <c>example-session</c>, and <c>counter</c>, whose every
/// control the server fills and the model echoes back: x FP32 [-1,1] → acc = acc_in + x (state acc_in → acc_out), and
/// start_seen, end_seen, ready_seen (INT32 [-1,1]) and corrid_seen (INT64 [-1,1]) as the model received them. Its START
/// is [0, 1], END [10, 20] (so a test tells configured values from defaults), READY [0, 1], CORRID INT64.
/// </summary>
public static class SequenceModels
{
    public const string Counter = "counter";

    /// <summary>The counter's model.json, with its idle timeout and live-sequence bound.</summary>
    public static string CounterJson(long idleMicroseconds = 5_000_000, int maxSequences = 64, int maxQueueSize = 1024) => $$"""
        {
          "maxBatchSize": 8,
          "dynamicBatching": { "maxQueueSize": {{maxQueueSize}} },
          "sequenceBatching": {
            "maxSequenceIdleMicroseconds": {{idleMicroseconds}},
            "maxSequences": {{maxSequences}},
            "controlInput": [
              { "name": "START", "control": [ { "kind": "CONTROL_SEQUENCE_START", "int32FalseTrue": [0, 1] } ] },
              { "name": "END", "control": [ { "kind": "CONTROL_SEQUENCE_END", "int32FalseTrue": [10, 20] } ] },
              { "name": "READY", "control": [ { "kind": "CONTROL_SEQUENCE_READY", "int32FalseTrue": [0, 1] } ] },
              { "name": "CORRID", "control": [ { "kind": "CONTROL_SEQUENCE_CORRID", "dataType": "TYPE_INT64" } ] }
            ],
            "state": [ { "inputName": "acc_in", "outputName": "acc_out", "dataType": "TYPE_FP32", "dims": [1], "initialState": [ { "name": "zeros", "zeroData": true } ] } ],
            "oldest": { "maxQueueDelayMicroseconds": 2000 }
          }
        }
        """;

    public static byte[] CounterOnnx()
    {
        var builder = new OnnxGraphBuilder(Counter);
        builder.AddInput("x", OnnxElementType.Float, -1, 1);
        builder.AddInput("acc_in", OnnxElementType.Float, -1, 1);
        foreach (string control in new[] { "START", "END", "READY" })
        {
            builder.AddInput(control, OnnxElementType.Int32, -1, 1);
        }

        builder.AddInput("CORRID", OnnxElementType.Int64, -1, 1);
        builder.AddNode("Add", ["acc_in", "x"], ["acc"]);
        builder.AddNode("Identity", ["acc"], ["acc_out"]);
        builder.AddNode("Identity", ["START"], ["start_seen"]);
        builder.AddNode("Identity", ["END"], ["end_seen"]);
        builder.AddNode("Identity", ["READY"], ["ready_seen"]);
        builder.AddNode("Identity", ["CORRID"], ["corrid_seen"]);
        builder.AddOutput("acc", OnnxElementType.Float, -1, 1);
        builder.AddOutput("acc_out", OnnxElementType.Float, -1, 1);
        foreach (string seen in new[] { "start_seen", "end_seen", "ready_seen" })
        {
            builder.AddOutput(seen, OnnxElementType.Int32, -1, 1);
        }

        builder.AddOutput("corrid_seen", OnnxElementType.Int64, -1, 1);
        return builder.ToBytes();
    }

    public static TestRepository WithCounter(this TestRepository repository, string? modelJson = null, string name = Counter)
    {
        repository.WriteModel(name, 1, CounterOnnx(), modelJson ?? CounterJson());
        return repository;
    }

    public static TestRepository WithExampleSession(this TestRepository repository)
    {
        ExampleSession.WriteTo(repository.Root);
        return repository;
    }
}
