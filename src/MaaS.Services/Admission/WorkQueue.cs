namespace MaaS.Services.Admission;

/// <summary>
/// The fair queue in front of costed work. At most <c>capacity</c> work units run at once, and at most <c>share</c> of
/// them for one partition (a request costing more than the share runs alone within it). When work must wait, each
/// partition has its own FIFO lane and lanes take turns: the next grant goes to the waiting partition served least
/// recently (a partition with nothing in flight counts as never served, so a light tenant goes first), skipping
/// partitions held by their own share. The one whose turn it is but that does not fit the remaining capacity keeps its
/// turn, and nobody overtakes it, so large requests are not starved by a stream of small ones.
/// Nothing in System.Threading.RateLimiting does this: partitioned limiters keep separate budgets and a shared
/// concurrency limiter queues in one arrival order, so one partition's backlog delays everyone's. Lanes are not
/// bounded here: callers bound them (<see cref="AdmissionOptions.MaxConcurrentRequests"/>). A dispatch scans the waiting
/// lanes, so it costs O(partitions waiting). Thread-safe.
/// </summary>
internal sealed class WorkQueue
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Lane> _lanes = new(StringComparer.Ordinal);
    private readonly List<Lane> _waiting = [];
    private readonly long _capacity;
    private readonly long _share;
    private long _running;
    private long _grants;
    private long _arrivals;
    private int _waiters;

    /// <param name="capacity">Units running at once, all partitions together (≥ 1).</param>
    /// <param name="share">Units one partition may run at once (1..capacity).</param>
    public WorkQueue(long capacity, long share)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(share, 1);
        _capacity = capacity;
        _share = Math.Min(share, capacity);
    }

    /// <summary>Units running now.</summary>
    public long RunningUnits
    {
        get
        {
            lock (_gate)
            {
                return _running;
            }
        }
    }

    /// <summary>Requests waiting now.</summary>
    public int Waiting
    {
        get
        {
            lock (_gate)
            {
                return _waiters;
            }
        }
    }

    /// <summary>
    /// Waits for room to run <paramref name="cost"/> units for <paramref name="partition"/>. The caller disposes the
    /// grant when the work is done. Cancelled while waiting, it leaves the queue and throws <see cref="OperationCanceledException"/>.
    /// </summary>
    public ValueTask<WorkGrant> EnterAsync(string partition, long cost, CancellationToken cancellationToken)
    {
        long units = Math.Clamp(cost, 1, _share);
        Waiter waiter;
        lock (_gate)
        {
            if (!_lanes.TryGetValue(partition, out var lane))
            {
                lane = new Lane(partition);
                _lanes.Add(partition, lane);
            }

            if (_waiting.Count == 0 && Fits(lane, units))
            {
                return ValueTask.FromResult(Grant(lane, units));
            }

            waiter = new Waiter(this, lane, units, ++_arrivals);
            lane.Waiters.AddLast(waiter.Node);
            _waiters++;
            if (lane.Waiters.Count == 1)
            {
                _waiting.Add(lane);
            }

            Dispatch();
        }

        return waiter.Completion.Task.IsCompletedSuccessfully
            ? ValueTask.FromResult(waiter.Completion.Task.Result)
            : WaitAsync(waiter, cancellationToken);
    }

    private static async ValueTask<WorkGrant> WaitAsync(Waiter waiter, CancellationToken cancellationToken)
    {
        using (cancellationToken.UnsafeRegister(static (state, token) => ((Waiter)state!).Cancel(token), waiter))
        {
            return await waiter.Completion.Task.ConfigureAwait(false);
        }
    }

    private void Cancel(Waiter waiter, CancellationToken token)
    {
        lock (_gate)
        {
            if (waiter.Node.List is null)
            {
                return;
            }

            var lane = waiter.Lane;
            lane.Waiters.Remove(waiter.Node);
            _waiters--;
            if (lane.Waiters.Count == 0)
            {
                _waiting.Remove(lane);
                Retire(lane);
            }

            // The cancelled request may have been the one whose turn held everyone else back.
            Dispatch();
        }

        waiter.Completion.TrySetCanceled(token);
    }

    private void Release(WorkGrant grant)
    {
        lock (_gate)
        {
            grant.Lane.Running -= grant.Units;
            _running -= grant.Units;
            Dispatch();
            Retire(grant.Lane);
        }
    }

    private bool Fits(Lane lane, long units) => lane.Running + units <= _share && _running + units <= _capacity;

    private WorkGrant Grant(Lane lane, long units)
    {
        lane.Running += units;
        lane.LastServed = ++_grants;
        _running += units;
        return new WorkGrant(this, lane, units);
    }

    private void Dispatch()
    {
        while (_waiting.Count > 0)
        {
            Lane? next = null;
            foreach (var lane in _waiting)
            {
                if (lane.Running + lane.Head.Units > _share)
                {
                    continue;
                }

                if (next is null || lane.LastServed < next.LastServed || (lane.LastServed == next.LastServed && lane.Head.Arrival < next.Head.Arrival))
                {
                    next = lane;
                }
            }

            if (next is null || _running + next.Head.Units > _capacity)
            {
                return;
            }

            var waiter = next.Head;
            next.Waiters.RemoveFirst();
            _waiters--;
            if (next.Waiters.Count == 0)
            {
                _waiting.Remove(next);
            }

            // Continuations run asynchronously, so completing under the lock runs no caller code here.
            waiter.Completion.TrySetResult(Grant(next, waiter.Units));
        }
    }

    private void Retire(Lane lane)
    {
        // A lane with nothing in flight is forgotten, so idle partitions (client addresses) do not accumulate.
        if (lane.Running == 0 && lane.Waiters.Count == 0)
        {
            _lanes.Remove(lane.Partition);
        }
    }

    internal sealed class Lane(string partition)
    {
        public string Partition { get; } = partition;

        public LinkedList<Waiter> Waiters { get; } = new();

        public Waiter Head => Waiters.First!.Value;

        public long Running { get; set; }

        /// <summary>Grant number of the lane's last grant; 0 for a lane with nothing in flight when it came.</summary>
        public long LastServed { get; set; }
    }

    internal sealed class Waiter(WorkQueue queue, Lane lane, long units, long arrival)
    {
        public Lane Lane { get; } = lane;

        public long Units { get; } = units;

        public long Arrival { get; } = arrival;

        public LinkedListNode<Waiter> Node => field ??= new LinkedListNode<Waiter>(this);

        public TaskCompletionSource<WorkGrant> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Cancel(CancellationToken token) => queue.Cancel(this, token);
    }

    /// <summary>Room to run; dispose it (once or more) when the work is done.</summary>
    internal sealed class WorkGrant(WorkQueue queue, Lane lane, long units) : IDisposable
    {
        private int _released;

        /// <summary>Units held.</summary>
        public long Units { get; } = units;

        internal Lane Lane { get; } = lane;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                queue.Release(this);
            }
        }
    }
}
