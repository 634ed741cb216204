using System.Runtime.ExceptionServices;
using Grpc.Core;
using MaaS.Models.Tracing;

namespace MaaS.Grpc;

/// <summary>One request of a <c>ModelStreamInfer</c> stream: its trace, ended once its answer is written, and the stream's cancellation.</summary>
internal sealed class StreamedInfer(CancellationToken cancellation)
{
    /// <summary>Cancelled when the client goes away or a strict stream has failed.</summary>
    public CancellationToken Cancellation { get; } = cancellation;

    /// <summary>The request's trace when it is sampled; GRPC_SEND_END once its answer is on the stream.</summary>
    public InferenceTrace? Trace { get; set; }
}

/// <summary>
/// One <c>ModelStreamInfer</c> call, as Triton serves it: every request read is one <c>ModelInfer</c> (the unary path's
/// decoding, admission, limits, batching, shared memory, statistics and tracing) answered on the stream with its id, in
/// the order the requests complete; up to <c>maxInFlight</c> run at once, and at the bound the stream is not read, so
/// HTTP/2 flow control holds the client. The requests of one sequence (<c>sequence_id</c>) run one after another in the
/// order they were read. An error is an answer with <c>error_message</c> and the stream goes on; with the metadata
/// <c>triton_grpc_error: true</c> the first error ends the stream with its status instead (Triton 24.08 and later).
/// The client's cancellation cancels the requests running; the host's stop ends the reading, and the stream ends (OK)
/// once the requests it holds are answered.
/// </summary>
internal sealed class GrpcInferStream(
    InferenceGrpcService service, IAsyncStreamReader<ModelInferRequest> requests, IServerStreamWriter<ModelStreamInferResponse> answers,
    ServerCallContext context, int maxInFlight, CancellationToken stopping) : IDisposable
{
    /// <summary>Triton's metadata key that ends the stream with a gRPC status on its first error.</summary>
    public const string StrictErrorsHeader = "triton_grpc_error";

    private readonly SemaphoreSlim _slots = new(maxInFlight, maxInFlight);
    private readonly SemaphoreSlim _write = new(1, 1);
    private readonly bool _strict = string.Equals(context.RequestHeaders.GetValue(StrictErrorsHeader), "true", StringComparison.OrdinalIgnoreCase);
    private readonly Lock _failing = new();
    private readonly CancellationTokenSource _work = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
    private Dictionary<InferParameter, Task>? _sequences;
    private Status? _failure;
    private ExceptionDispatchInfo? _fault;

    public async Task RunAsync()
    {
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(_work.Token, stopping);
        try
        {
            while (true)
            {
                await _slots.WaitAsync(reading.Token);
                bool read;
                try
                {
                    read = await requests.MoveNext(reading.Token);
                }
                catch
                {
                    _slots.Release();
                    throw;
                }

                if (!read)
                {
                    _slots.Release();
                    break;
                }

                var request = requests.Current;
                var previous = Sequenced(request, out var key);
                var running = RunOneAsync(request, previous);
                if (key is not null)
                {
                    _sequences![key] = running;
                }
            }
        }
        catch (Exception e) when (reading.IsCancellationRequested && e is OperationCanceledException or IOException)
        {
            // The client went away, a strict stream failed, or the host is stopping: nothing more is read.
        }
        catch (Exception e)
        {
            // The read failed otherwise (a reset, a message over the limit): the requests running are cancelled and
            // waited for below, then the read's error ends the call.
            Fail(new Status(StatusCode.Unknown, e.Message), ExceptionDispatchInfo.Capture(e));
        }

        // Every request read is answered (or cancelled) before the call ends.
        for (int i = 0; i < maxInFlight; i++)
        {
            await _slots.WaitAsync(CancellationToken.None);
        }

        _fault?.Throw();
        if (_failure is { } failure)
        {
            throw new RpcException(failure);
        }
    }

    private async Task RunOneAsync(ModelInferRequest request, Task? previous)
    {
        try
        {
            if (previous is not null)
            {
                await previous;
            }

            var cancellation = _work.Token;
            var streamed = new StreamedInfer(cancellation);
            ModelStreamInferResponse answer;
            try
            {
                answer = new ModelStreamInferResponse { InferResponse = await service.InferAsync(request, context, streamed) };
            }
            catch (RpcException e) when (!cancellation.IsCancellationRequested)
            {
                if (_strict)
                {
                    Fail(e.Status, null);
                    return;
                }

                // The error's answer carries the request's id too, so a client can tell which request failed.
                answer = new ModelStreamInferResponse
                {
                    ErrorMessage = e.Status.Detail,
                    InferResponse = new ModelInferResponse { ModelName = request.ModelName, ModelVersion = request.ModelVersion, Id = request.Id },
                };
            }

            await _write.WaitAsync(cancellation);
            try
            {
                await answers.WriteAsync(answer, cancellation);
            }
            finally
            {
                _write.Release();
            }

            streamed.Trace?.Sent();
        }
        catch (Exception e) when (_work.IsCancellationRequested && e is OperationCanceledException or IOException or RpcException or InvalidOperationException)
        {
            // The stream is over (the client left, or a strict stream failed): nobody reads this answer.
        }
        catch (Exception e)
        {
            Fail(new Status(StatusCode.Unknown, "the request failed on the server"), ExceptionDispatchInfo.Capture(e));
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>The request of the same sequence read before this one, still running; notes this one's key.</summary>
    /// <remarks>
    /// Not the same order as <see cref="MaaS.Models.Inference.SequenceBatcher"/>'s, and neither can serve for the other.
    /// The batcher orders a sequence's requests as they reach it, from every stream and unary call, and carries their
    /// state; but the stream runs its requests concurrently, and one reaches the batcher only after decoding, shared
    /// memory, admission (a wait for the work queue) and the model lookup, awaits at which a later request can overtake
    /// it, so without this chain two requests of one sequence could arrive there swapped (a continuation before its
    /// START is refused). This chain keeps the stream's read order up to the batcher; the batcher cannot, since it
    /// never sees a request before it is admitted, and holding a place in it at read time would need the model's
    /// version before it is resolved.
    /// </remarks>
    private Task? Sequenced(ModelInferRequest request, out InferParameter? key)
    {
        key = null;
        if (!request.Parameters.TryGetValue("sequence_id", out var id) || id.ParameterChoiceCase == InferParameter.ParameterChoiceOneofCase.None)
        {
            return null;
        }

        key = id;
        _sequences ??= [];
        if (_sequences.Count > 4 * maxInFlight)
        {
            foreach (var done in _sequences.Where(s => s.Value.IsCompleted).Select(s => s.Key).ToList())
            {
                _sequences.Remove(done);
            }
        }

        return _sequences.TryGetValue(id, out var previous) && !previous.IsCompleted ? previous : null;
    }

    private void Fail(Status status, ExceptionDispatchInfo? fault)
    {
        lock (_failing)
        {
            _failure ??= status;
            _fault ??= fault;
        }

        _work.Cancel();
    }

    public void Dispose()
    {
        _work.Dispose();
        _slots.Dispose();
        _write.Dispose();
    }
}
