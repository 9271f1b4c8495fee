using System.Runtime.InteropServices;

namespace Auth.Functions.Passwords;

/// <summary>
/// The Argon2 work memory, kept between hashes: blocks of the configured size are lent out and taken
/// back wiped, at most <c>capacity</c> of them (one per hashing slot), so the service holds what its
/// concurrent hashes need and never maps, faults in and unmaps 19 MiB per login. Any other size (a
/// stored hash with other parameters) is allocated for the one hash and freed after it.
/// </summary>
internal sealed unsafe class Argon2Memory(int pooledBlocks, int capacity) : IDisposable
{
    private const nuint Alignment = 64;

    private readonly Stack<nint> _free = new();
    private bool _disposed;

    /// <summary>Memory for <paramref name="blocks"/> 1 KiB blocks, until the lease is disposed.</summary>
    public Lease Rent(int blocks)
    {
        if (blocks == pooledBlocks)
        {
            lock (_free)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (_free.TryPop(out var pooled))
                {
                    return new Lease(this, (ulong*)pooled, blocks);
                }
            }
        }

        return new Lease(this, (ulong*)NativeMemory.AlignedAlloc((nuint)blocks * Argon2Core.BlockBytes, Alignment), blocks);
    }

    private void Return(ulong* memory, int blocks)
    {
        // Wiped before it is kept or freed: the blocks would let a guess be tested without the work.
        NativeMemory.Clear(memory, (nuint)blocks * Argon2Core.BlockBytes);
        if (blocks == pooledBlocks)
        {
            lock (_free)
            {
                if (!_disposed && _free.Count < capacity)
                {
                    _free.Push((nint)memory);
                    return;
                }
            }
        }

        NativeMemory.AlignedFree(memory);
    }

    /// <summary>How many blocks of the pooled size are kept now (for tests).</summary>
    internal int Pooled
    {
        get
        {
            lock (_free)
            {
                return _free.Count;
            }
        }
    }

    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    // A pool never disposed (a hasher made by hand and dropped) still gives its memory back.
    ~Argon2Memory() => Free();

    private void Free()
    {
        lock (_free)
        {
            _disposed = true;
            while (_free.TryPop(out var memory))
            {
                NativeMemory.AlignedFree((void*)memory);
            }
        }
    }

    public readonly struct Lease(Argon2Memory owner, ulong* memory, int blocks) : IDisposable
    {
        public ulong* Memory { get; } = memory;

        public void Dispose() => owner.Return(Memory, blocks);
    }
}
