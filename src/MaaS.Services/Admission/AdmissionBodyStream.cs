namespace MaaS.Services.Admission;

/// <summary>
/// The body of a costed request sent without a Content-Length (chunked: <c>HttpClient</c>'s JSON content, say): its
/// bytes are counted against the partition's in-flight bytes as they are read, in 64 KiB steps, and a read past what
/// the partition may hold throws <see cref="AdmissionRefusedException"/>. Read by one reader at a time.
/// </summary>
internal sealed class AdmissionBodyStream(Stream inner, AdmissionTicket ticket) : Stream
{
    private const int Step = 64 * 1024;
    private long _read;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Counted(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Counted(int read)
    {
        _read += read;
        return ticket.TryCount(_read, Step) ? read : throw new AdmissionRefusedException(ticket.BytesRefusal);
    }
}

/// <summary>A costed request refused while its body was read; the admission middleware answers it (429).</summary>
internal sealed class AdmissionRefusedException(AdmissionRefusal refusal) : Exception(refusal.Detail)
{
    public AdmissionRefusal Refusal { get; } = refusal;
}
