namespace MaaS.Gateway.FunctionalTests.Training;

public sealed class TrainingDurabilityTests : IDisposable
{
    private readonly TempFolder _root = new("maas-train-crash-");

    [Fact]
    public async Task Training_GatewaySigkilledMidTraining_JobFinishesAfterRestart()
    {
        string dll = GatewayProcess.RequireGatewayDll();
        string mr = SharedData.Require("sentiment/mr", "rt-polarity.neg", "rt-polarity.pos");
        var ct = TestContext.Current.CancellationToken;
        string data = _root["data"], models = _root["models"];
        Directory.CreateDirectory(models);
        // A short lease, so the restarted gateway takes the dead run's job over within seconds.
        var settings = new Dictionary<string, string> { ["Jobs:LeaseSeconds"] = "2", ["Jobs:HeartbeatSeconds"] = "0.2", ["Jobs:PollSeconds"] = "0.2" };
        var rows = new StringBuilder();
        foreach (var (file, label) in new[] { ("rt-polarity.neg", "negative"), ("rt-polarity.pos", "positive") })
        {
            foreach (string line in File.ReadLines(Path.Combine(mr, file)).Where(l => l.Trim().Length > 0))
            {
                rows.Append(new JsonObject { ["text"] = line, ["label"] = label }.ToJsonString()).Append('\n');
            }
        }

        string id;
        double progressAtKill;
        using (var first = await GatewayProcess.StartAsync(dll, data, models, ct, settings))
        {
            using var client = new HttpClient { BaseAddress = first.Address };
            var (accepted, job) = await TrainingCalls.SubmitAsync(client, rows.ToString(), "application/x-ndjson", "?model=mr&folds=2");
            Assert.True(accepted.StatusCode == HttpStatusCode.Accepted, $"{(int)accepted.StatusCode} {job}");
            id = job!["id"]!.GetValue<string>();
            JsonNode running;
            var clock = Stopwatch.StartNew();
            do
            {
                await Task.Delay(100, ct);
                running = await TrainingCalls.GetAsync(client, $"/v1/trainings/{id}");
            }
            while (!(running["state"]!.GetValue<string>() == "running" && running["progress"]!.GetValue<double>() > 0) && clock.Elapsed < TimeSpan.FromSeconds(60));

            progressAtKill = running["progress"]!.GetValue<double>();
            Assert.True(running["state"]!.GetValue<string>() == "running" && progressAtKill is > 0 and < 0.9, $"not mid-training: {running}\n{first.Tail}");
            first.Kill();
        }

        using var second = await GatewayProcess.StartAsync(dll, data, models, ct, settings);
        using var again = new HttpClient { BaseAddress = second.Address };
        var done = await TrainingCalls.WaitFinishedAsync(again, id, TimeSpan.FromSeconds(240), () => second.Tail);

        Assert.True(done["state"]!.GetValue<string>() == "succeeded", $"{done}\n{second.Tail}");
        Assert.Equal(2, done["attempts"]!.GetValue<int>());
        Assert.Equal("default.mr", done["result"]!["model"]!.GetValue<string>());
        Assert.Equal(1, done["result"]!["version"]!.GetValue<long>());
        Assert.True(done["result"]!["crossValidation"]!["accuracy"]!.GetValue<double>() > 0.7, done["result"]!["crossValidation"]!["accuracy"]!.ToJsonString());
        var classified = await TrainingCalls.ClassifyAsync(again, "default.mr", "a wonderful, moving and brilliantly acted film");
        Assert.Equal("positive", classified["results"]![0]!["label"]!.GetValue<string>());
    }

    public void Dispose() => _root.Dispose();
}
