using System.Runtime.InteropServices;

namespace MaaS.Services.Jobs;

/// <summary>
/// A task scheduler over a fixed number of dedicated background threads at the lowest priority (on Linux also given a
/// nice value, since .NET leaves thread priorities alone there). Background work such as training runs here, so it
/// uses at most that many cores and yields them to request handling in proportion to the nice value's CFS weight.
/// Dispose stops the threads after the queued tasks, waiting at most <see cref="StopTimeout"/> for them.
/// </summary>
internal sealed class LowPriorityScheduler : TaskScheduler, IDisposable
{
    /// <summary>How long Dispose waits for the work running on the threads.</summary>
    internal static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(1);

    private readonly BlockingCollection<Task> _tasks = [];
    private readonly Thread[] _threads;
    private readonly int _niceness;
    private int _disposed;

    /// <param name="threads">How many threads (at least 1).</param>
    /// <param name="name">Their name, numbered.</param>
    /// <param name="niceness">
    /// Their Linux nice value, 0 (as serving) to 19 (least). Under a load that keeps every core busy a thread gets CPU
    /// in proportion to its CFS weight (1024 at 0, 110 at 10, 15 at 19), so this is the share a job keeps beside
    /// serving. A value below the process's own needs privilege: the threads then stay at the process's.
    /// </param>
    public LowPriorityScheduler(int threads, string name, int niceness)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(niceness, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(niceness, 19);
        _niceness = niceness;
        _threads = new Thread[threads];
        for (int i = 0; i < threads; i++)
        {
            _threads[i] = new Thread(Work) { IsBackground = true, Name = $"{name} {i + 1}", Priority = ThreadPriority.Lowest };
            _threads[i].Start();
        }
    }

    public override int MaximumConcurrencyLevel => _threads.Length;

    public void Dispose()
    {
        // The runner is both a singleton and a hosted service: the container may dispose it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _tasks.CompleteAdding();
        // Bounded: a CPU step that does not look at its token (one long ONNX run, say) must not hold a shutdown for
        // ever; its job keeps its lease and is claimed again after a restart. Threads still busy at the deadline are
        // background threads: they end with the work or the process, and the queue stays theirs (not disposed).
        var deadline = Stopwatch.StartNew();
        bool stopped = true;
        foreach (var thread in _threads)
        {
            var left = StopTimeout - deadline.Elapsed;
            stopped &= thread.Join(left > TimeSpan.Zero ? left : TimeSpan.Zero);
        }

        if (stopped)
        {
            _tasks.Dispose();
        }
    }

    protected override void QueueTask(Task task) => _tasks.Add(task);

    // Inlining only on our own threads: a request thread must never end up running training work.
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        _threads.Contains(Thread.CurrentThread) && TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks() => _tasks.ToArray();

    private void Work()
    {
        if (_niceness > 0)
        {
            Nice();
        }

        foreach (var task in _tasks.GetConsumingEnumerable())
        {
            TryExecuteTask(task);
        }
    }

    private void Nice()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            // PRIO_PROCESS with a thread id sets that thread's nice value on Linux; raising it needs no privilege
            // (lowering it does: then it fails and the thread keeps the process's value).
            _ = NativeMethods.SetPriority(0, NativeMethods.GetThreadId(), _niceness);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc: the threads keep normal priority and are still bounded in number.
        }
    }

    // DllImport, not LibraryImport: the generator needs unsafe code for this project, and two int calls marshal trivially.
    private static class NativeMethods
    {
        [DllImport("libc", EntryPoint = "setpriority")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int SetPriority(int which, int who, int priority);

        [DllImport("libc", EntryPoint = "gettid")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int GetThreadId();
    }
}
