using System.Buffers;

namespace RestoreAgents.Cloud.Tests;

/// <summary>Bytes outside the managed heap, as the page cache's mapped cache file hands them to a store.</summary>
internal sealed unsafe class UnmanagedBytes : MemoryManager<byte>
{
    private readonly byte* _pointer;
    private readonly int _length;

    public UnmanagedBytes(ReadOnlySpan<byte> contents)
    {
        _length = contents.Length;
        _pointer = (byte*)System.Runtime.InteropServices.NativeMemory.Alloc((nuint)_length);
        contents.CopyTo(new Span<byte>(_pointer, _length));
    }

    public override Span<byte> GetSpan() => new(_pointer, _length);

    public override MemoryHandle Pin(int elementIndex = 0) => new(_pointer + elementIndex);

    public override void Unpin() { }

    protected override bool TryGetArray(out ArraySegment<byte> segment)
    {
        segment = default;
        return false;
    }

    protected override void Dispose(bool disposing) => System.Runtime.InteropServices.NativeMemory.Free(_pointer);
}
