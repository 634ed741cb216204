namespace MaaS.Gateway.FunctionalTests.Training;

public sealed class TrainingDurabilityTests
{
    [Fact]
    public async Task Training_GatewaySigkilledMidTraining_JobFinishesAfterRestart()
    {
        string mr = SharedData.Require("sentiment/mr", "rt-polarity.neg", "rt-polarity.pos");
        using var folder = new GatewayFolder("maas-train-crash-");
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
        using (var first = await folder.StartAsync(settings))
        {
            using var client = new HttpClient { BaseAddress = first.Address };
            id = await TrainingCalls.SubmitAcceptedAsync(client, rows.ToString(), "application/x-ndjson", "?model=mr&folds=2");
            var running = await TrainingCalls.PollAsync(
                client, id, job => job["status"]!.GetValue<string>() == "running" && job["progress"]!.GetValue<double>() > 0, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(100));

            progressAtKill = running["progress"]!.GetValue<double>();
            Assert.True(running["status"]!.GetValue<string>() == "running" && progressAtKill is > 0 and < 0.9, $"not mid-training: {running}\n{first.Tail}");
            first.Kill();
        }

        using var second = await folder.StartAsync(settings);
        using var again = new HttpClient { BaseAddress = second.Address };
        var done = await TrainingCalls.WaitFinishedAsync(again, id, TimeSpan.FromSeconds(240), () => second.Tail);

        Assert.True(done["status"]!.GetValue<string>() == "succeeded", $"{done}\n{second.Tail}");
        Assert.Equal(2, done["attempts"]!.GetValue<int>());
        Assert.Equal("default.mr", done["result"]!["model"]!.GetValue<string>());
        Assert.Equal(1, done["result"]!["version"]!.GetValue<long>());
        Assert.True(done["result"]!["crossValidation"]!["accuracy"]!.GetValue<double>() > 0.7, done["result"]!["crossValidation"]!["accuracy"]!.ToJsonString());
        var classified = await TrainingCalls.ClassifyAsync(again, "default.mr", "a wonderful, moving and brilliantly acted film");
        Assert.Equal("positive", classified["results"]![0]!["label"]!.GetValue<string>());
    }
}
