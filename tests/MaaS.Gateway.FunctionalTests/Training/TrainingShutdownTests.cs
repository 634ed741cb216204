namespace MaaS.Gateway.FunctionalTests.Training;

/// <summary>
/// SIGTERM while a training job is in a long CPU step: the gateway exits within seconds (it used to wait for the step,
/// up to the host's 30 s shutdown timeout and then the job threads' 10 s join: ~45 s seen beside load), and releases the
/// job's lease, so the restarted gateway takes it up at once instead of after the five-minute lease.
/// </summary>
public sealed class TrainingShutdownTests
{
    // Under the 30 s the host waited before (plus the scheduler's 10 s); over the 2 s grace and a loaded exit (7-9 s at load 10-35).
    private static readonly TimeSpan ExitBound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Training_SigtermDuringACpuStep_ExitsWithinSecondsAndJobResumesAtOnceAfterRestart()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "SIGTERM is sent with kill(1)");
        using var folder = new GatewayFolder("maas-train-sigterm-");
        var ct = TestContext.Current.CancellationToken;
        var settings = new Dictionary<string, string>
        {
            // A lease far over the wait below: only a released lease lets the restarted gateway claim the job in time.
            ["Jobs:LeaseSeconds"] = "300", ["Jobs:HeartbeatSeconds"] = "0.2", ["Jobs:PollSeconds"] = "0.2",
            ["Serilog:MinimumLevel:Override:MaaS.Services.Jobs"] = "Information",
        };

        string id;
        using (var first = await folder.StartAsync(settings))
        {
            using var client = new HttpClient { BaseAddress = first.Address };
            id = await TrainingCalls.SubmitAcceptedAsync(client, ManyLabels(), "application/json");
            await TrainingCalls.PollAsync(client, id, job => job["status"]!.GetValue<string>() == "running", TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(100));

            // Into the CPU work: featurising, then the first fit of 500 one-versus-rest problems on one niced thread.
            await Task.Delay(TimeSpan.FromSeconds(2), ct);
            var running = await TrainingCalls.GetAsync(client, $"/v1/trainings/{id}");
            Assert.True(running["status"]!.GetValue<string>() == "running" && running["progress"]!.GetValue<double>() == 0, $"not in the first CPU step: {running}\n{first.Tail}");

            var exit = await first.TerminateAsync(TimeSpan.FromSeconds(120), ct);

            Assert.True(exit < ExitBound, $"exited {exit.TotalSeconds:0.0} s after SIGTERM (bound {ExitBound.TotalSeconds:0} s):\n{first.Tail}");
        }

        using var second = await folder.StartAsync(settings);
        using var again = new HttpClient { BaseAddress = second.Address };
        var resumed = await TrainingCalls.PollAsync(again, id, job => job["attempts"]!.GetValue<int>() >= 2, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200));

        Assert.True(resumed["attempts"]!.GetValue<int>() == 2 && resumed["status"]!.GetValue<string>() == "running", $"not taken up again: {resumed}\n{second.Tail}");
    }

    // 40,000 synthetic rows over 500 labels: one fit trains 500 logistic regressions on one niced thread, far longer
    // than the exit bound on any machine, so only a shutdown that stops waiting for the step meets the bound.
    private static string ManyLabels()
    {
        const int labels = 500;
        var rng = new Random(3);
        var rows = new JsonArray();
        for (int i = 0; i < 40_000; i++)
        {
            int label = i % labels;
            var words = Enumerable.Range(0, 14).Select(_ => "w" + rng.Next(5000).ToString("D4", CultureInfo.InvariantCulture))
                .Append("topic" + label.ToString("D3", CultureInfo.InvariantCulture)).ToArray();
            rng.Shuffle(words);
            rows.Add(new JsonObject { ["text"] = string.Join(' ', words), ["label"] = "L" + label.ToString("D3", CultureInfo.InvariantCulture) });
        }

        return new JsonObject
        {
            ["model"] = "many",
            ["rows"] = rows,
            ["settings"] = new JsonObject { ["folds"] = 2, ["lambdas"] = new JsonArray(0.001), ["featureSets"] = new JsonArray("words+chars") },
        }.ToJsonString();
    }
}
