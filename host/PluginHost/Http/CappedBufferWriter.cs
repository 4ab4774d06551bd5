using System.Buffers;

namespace PluginHost.Http;

/// <summary>
/// A pooled in-memory buffer that refuses to grow past a limit (<see cref="ResponseTooLargeException"/>), so an answer
/// is measured before its first byte is sent: past the limit the client still gets a clean JSON error.
/// </summary>
internal sealed class CappedBufferWriter(long limit) : IBufferWriter<byte>, IDisposable
{
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
    private int _written;

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _written);

    public void Advance(int count) => _written += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    private void Ensure(int sizeHint)
    {
        var needed = (long)_written + Math.Max(sizeHint, 1);
        if (needed > limit) throw new ResponseTooLargeException(limit);
        if (needed <= _buffer.Length) return;
        var size = (int)Math.Min(Math.Max(needed, (long)_buffer.Length * 2), Math.Min(limit, Array.MaxLength));
        var bigger = ArrayPool<byte>.Shared.Rent(size);
        _buffer.AsSpan(0, _written).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }
}
