using System.Collections.Concurrent;
using System.Diagnostics;

namespace MaaS.Models.Tests.Text.Training;

/// <summary>
/// The trainers stop inside a fit when their token is cancelled, and their parallel loops stay on the caller's task
/// scheduler: a training job runs on the job runner's bounded, niced threads, and a job left behind at shutdown must not
/// go on burning cores (on the pool's threads, at normal priority) until its fit ends.
/// </summary>
public sealed class TrainingCancellationTests
{
    // Far under one fit of the data below (500 one-versus-rest or per-label problems over 20,000 rows of about 500
    // n-grams, 20 epochs each: minutes on one core) and far over one epoch of one problem (milliseconds).
    private static readonly TimeSpan ReturnBound = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Train_CancelledDuringAFit_ReturnsWithinSeconds(bool multiLabel)
    {
        var (texts, labels, names) = ManyLabels(40_000, 500);
        using var cancel = new CancellationTokenSource();
        var fitStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // The first cross-validation report comes once the rows are featurized, just before the first fit.
        var progress = new Inline<TextTrainingProgress>(p =>
        {
            if (p.Phase.StartsWith("cross-validation", StringComparison.Ordinal))
            {
                fitStarted.TrySetResult();
            }
        });
        var options = new TextClassifierOptions { Folds = 2, Lambdas = [1e-3], FeatureSets = [TextFeatureSets.WordsAndChars] };
        var training = Task.Run(() => TextClassifierTrainer.Train(texts, labels, names, multiLabel, options, progress, cancellationToken: cancel.Token), CancellationToken.None);

        await fitStarted.Task.WaitAsync(TimeSpan.FromMinutes(3), TestContext.Current.CancellationToken);
        await Task.Delay(TimeSpan.FromMilliseconds(500), TestContext.Current.CancellationToken);
        var clock = Stopwatch.StartNew();
        await cancel.CancelAsync();
        var ended = await Task.WhenAny(training, Task.Delay(ReturnBound, TestContext.Current.CancellationToken));

        Assert.True(ended == training, $"multiLabel {multiLabel}: still training {ReturnBound.TotalSeconds:0} s after the cancel");
        var error = await Record.ExceptionAsync(() => training);
        Assert.True(error is OperationCanceledException, $"multiLabel {multiLabel}: ended with {error?.GetType().Name ?? "a model"} after {clock.Elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task Train_OnASchedulerOfItsOwn_ParallelLoopsStayOnItsThread()
    {
        var (texts, labels, names) = ManyLabels(3_000, 40);
        var featurizer = new TextFeaturizer(new TextFeaturizerSettings { Buckets = 1 << 14, WordNgrams = 2 });
        var features = texts.Select(t => featurizer.Featurize(t)).ToArray();
        var rows = Enumerable.Range(0, texts.Length).ToArray();
        var threads = new ConcurrentDictionary<int, int>();
        // TagTrainer reports from inside its per-label loop, on the thread that fitted the label.
        var progress = new Inline<double>(_ => threads.AddOrUpdate(Environment.CurrentManagedThreadId, 1, (_, n) => n + 1));
        using var scheduler = new OneThreadScheduler();

        await Task.Factory.StartNew(
            () => TagTrainer.Train(features, labels, rows, names, new TagTrainingOptions { Featurizer = featurizer.Settings, Seed = 3 }, progress, TestContext.Current.CancellationToken),
            TestContext.Current.CancellationToken, TaskCreationOptions.DenyChildAttach, scheduler);

        Assert.True(threads.Keys.All(id => id == scheduler.ThreadId), $"labels fitted on threads {string.Join(", ", threads.Select(t => $"{t.Key} ({t.Value})"))}; the scheduler's is {scheduler.ThreadId}");
    }

    // Rows of 14 random words and one word naming the row's label, which cycles through the labels.
    private static (string[] Texts, int[][] Labels, string[] Names) ManyLabels(int rows, int labelCount)
    {
        var rng = new Random(3);
        var texts = new string[rows];
        var labels = new int[rows][];
        for (int i = 0; i < rows; i++)
        {
            int label = i % labelCount;
            var words = Enumerable.Range(0, 14).Select(_ => "w" + rng.Next(5000).ToString("D4", CultureInfo.InvariantCulture))
                .Append("topic" + label.ToString("D3", CultureInfo.InvariantCulture)).ToArray();
            rng.Shuffle(words);
            texts[i] = string.Join(' ', words);
            labels[i] = [label];
        }

        return (texts, labels, [.. Enumerable.Range(0, labelCount).Select(l => "L" + l.ToString("D3", CultureInfo.InvariantCulture))]);
    }

    // Reports on the reporting thread (Progress<T> would post to the thread pool).
    private sealed class Inline<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }

    // One dedicated thread, as the job runner's scheduler has per job by default; work queued from it runs on it.
    private sealed class OneThreadScheduler : TaskScheduler, IDisposable
    {
        private readonly BlockingCollection<Task> _tasks = [];
        private readonly Thread _thread;

        public OneThreadScheduler()
        {
            _thread = new Thread(() =>
            {
                foreach (var task in _tasks.GetConsumingEnumerable())
                {
                    TryExecuteTask(task);
                }
            }) { IsBackground = true, Name = "one-thread scheduler" };
            _thread.Start();
        }

        public int ThreadId => _thread.ManagedThreadId;

        public override int MaximumConcurrencyLevel => 1;

        public void Dispose()
        {
            _tasks.CompleteAdding();
            _thread.Join(TimeSpan.FromSeconds(10));
            _tasks.Dispose();
        }

        protected override void QueueTask(Task task) => _tasks.Add(task);

        protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
            Thread.CurrentThread == _thread && TryExecuteTask(task);

        protected override IEnumerable<Task> GetScheduledTasks() => _tasks.ToArray();
    }
}
