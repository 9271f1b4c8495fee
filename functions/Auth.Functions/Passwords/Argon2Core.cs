using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Auth.Functions.Passwords;

/// <summary>The Argon2 variants of RFC 9106, by their type number.</summary>
public enum Argon2Variant
{
    Argon2d = 0,
    Argon2i = 1,
    Argon2id = 2,
}

/// <summary>
/// Argon2 (RFC 9106) computed into memory the caller lends, so that the 19 MiB of each hash are
/// reused instead of mapped, faulted in and unmapped every time (libsodium's way, which costs as much
/// kernel time as the hash's own work: bench/RESULTS.md). BLAKE2b comes from libsodium; the memory
/// filling is here, with AVX2 where the processor has it and a portable path where it does not.
/// </summary>
/// <remarks>
/// Lanes are filled one after another in a slice (the result does not depend on the order), so a hash
/// with p lanes costs p times one lane on one thread: the service bounds concurrency by hashes, not threads.
/// </remarks>
[SkipLocalsInit]
internal static unsafe class Argon2Core
{
    public const int BlockBytes = 1024;
    public const int Version13 = 0x13;
    public const int Version10 = 0x10;
    private const int Words = BlockBytes / 8;
    private const int SyncPoints = 4;
    private const int AddressesPerBlock = Words;

    /// <summary>The number of 1 KiB blocks a hash with these parameters fills (m rounded down to a multiple of 4p, at least 8p).</summary>
    public static int BlockCount(int memoryKiB, int lanes) =>
        Math.Max(memoryKiB, 2 * SyncPoints * lanes) / (SyncPoints * lanes) * (SyncPoints * lanes);

    /// <summary>
    /// Computes the tag into <paramref name="tag"/> (16 bytes or more). <paramref name="memory"/> must
    /// hold <see cref="BlockCount"/> blocks; it is left holding the filled blocks, for the caller to wipe.
    /// </summary>
    /// <param name="portable">Skip AVX2 even where the processor has it (tests check both paths).</param>
    public static void Hash(
        Argon2Variant variant, int version, int memoryKiB, int iterations, int lanes,
        ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> secret, ReadOnlySpan<byte> associated,
        ulong* memory, Span<byte> tag, bool portable = false)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Argon2 here reads its blocks as little-endian words.");
        }

        var blocks = BlockCount(memoryKiB, lanes);
        var segment = blocks / (lanes * SyncPoints);
        var laneLength = segment * SyncPoints;

        Span<byte> h0 = stackalloc byte[64 + 8];
        InitialHash(variant, version, memoryKiB, iterations, lanes, password, salt, secret, associated, tag.Length, h0[..64]);

        for (var lane = 0; lane < lanes; lane++)
        {
            for (var column = 0; column < 2; column++)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(h0[64..], (uint)column);
                BinaryPrimitives.WriteUInt32LittleEndian(h0[68..], (uint)lane);
                VariableHash(h0, new Span<byte>(memory + ((long)lane * laneLength + column) * Words, BlockBytes));
            }
        }

        CryptographicZero(h0);
        var instance = new Instance(memory, variant, version, blocks, iterations, lanes, segment, laneLength, Avx2.IsSupported && !portable);
        for (var pass = 0; pass < iterations; pass++)
        {
            for (var slice = 0; slice < SyncPoints; slice++)
            {
                for (var lane = 0; lane < lanes; lane++)
                {
                    FillSegment(instance, pass, lane, slice);
                }
            }
        }

        // The final block: the XOR of every lane's last block.
        var final = stackalloc ulong[Words];
        new Span<ulong>(memory + ((long)laneLength - 1) * Words, Words).CopyTo(new Span<ulong>(final, Words));
        for (var lane = 1; lane < lanes; lane++)
        {
            Xor(final, memory + ((long)lane * laneLength + laneLength - 1) * Words);
        }

        var finalBytes = new Span<byte>(final, BlockBytes);
        VariableHash(finalBytes, tag);
        CryptographicZero(finalBytes);
    }

    private readonly struct Instance(
        ulong* memory, Argon2Variant variant, int version, int blocks, int passes, int lanes, int segment, int laneLength, bool avx2)
    {
        public bool Avx2 { get; } = avx2;
        public ulong* Memory { get; } = memory;
        public Argon2Variant Variant { get; } = variant;
        public int Version { get; } = version;
        public int Blocks { get; } = blocks;
        public int Passes { get; } = passes;
        public int Lanes { get; } = lanes;
        public int Segment { get; } = segment;
        public int LaneLength { get; } = laneLength;
    }

    private static void FillSegment(in Instance instance, int pass, int lane, int slice)
    {
        var independent = instance.Variant == Argon2Variant.Argon2i
            || (instance.Variant == Argon2Variant.Argon2id && pass == 0 && slice < SyncPoints / 2);
        var addresses = stackalloc ulong[Words];
        var input = stackalloc ulong[Words];
        var zero = stackalloc ulong[Words];
        if (independent)
        {
            new Span<ulong>(zero, Words).Clear();
            new Span<ulong>(input, Words).Clear();
            input[0] = (ulong)pass;
            input[1] = (ulong)lane;
            input[2] = (ulong)slice;
            input[3] = (ulong)instance.Blocks;
            input[4] = (ulong)instance.Passes;
            input[5] = (ulong)instance.Variant;
        }

        var start = 0;
        if (pass == 0 && slice == 0)
        {
            start = 2; // the first two blocks come from H0
            if (independent)
            {
                NextAddresses(addresses, input, zero, instance.Avx2);
            }
        }

        var current = lane * instance.LaneLength + slice * instance.Segment + start;
        var previous = current % instance.LaneLength == 0 ? current + instance.LaneLength - 1 : current - 1;
        for (var index = start; index < instance.Segment; index++, current++, previous++)
        {
            if (current % instance.LaneLength == 1)
            {
                previous = current - 1;
            }

            ulong random;
            if (independent)
            {
                if (index % AddressesPerBlock == 0)
                {
                    NextAddresses(addresses, input, zero, instance.Avx2);
                }

                random = addresses[index % AddressesPerBlock];
            }
            else
            {
                random = instance.Memory[(long)previous * Words];
            }

            var referenceLane = pass == 0 && slice == 0 ? lane : (int)((random >> 32) % (ulong)instance.Lanes);
            var referenceIndex = ReferenceIndex(instance, pass, slice, index, (uint)random, referenceLane == lane);
            var withXor = instance.Version != Version10 && pass != 0;
            Compress(
                instance.Avx2,
                instance.Memory + (long)previous * Words,
                instance.Memory + ((long)instance.LaneLength * referenceLane + referenceIndex) * Words,
                instance.Memory + (long)current * Words,
                withXor);
        }

        if (independent)
        {
            new Span<ulong>(addresses, Words).Clear();
        }
    }

    /// <summary>RFC 9106 §3.4.1.2: the block of the reference lane that this one is mixed with.</summary>
    private static int ReferenceIndex(in Instance instance, int pass, int slice, int index, uint random, bool sameLane)
    {
        uint area;
        if (pass == 0)
        {
            area = slice == 0
                ? (uint)(index - 1)
                : sameLane
                    ? (uint)(slice * instance.Segment + index - 1)
                    : (uint)(slice * instance.Segment) + (index == 0 ? uint.MaxValue : 0);
        }
        else
        {
            area = sameLane
                ? (uint)(instance.LaneLength - instance.Segment + index - 1)
                : (uint)(instance.LaneLength - instance.Segment) + (index == 0 ? uint.MaxValue : 0);
        }

        ulong relative = random;
        relative = relative * relative >> 32;
        relative = area - 1 - (area * relative >> 32);
        var startPosition = pass == 0 || slice == SyncPoints - 1 ? 0UL : (ulong)(slice + 1) * (ulong)instance.Segment;
        return (int)((startPosition + relative) % (ulong)instance.LaneLength);
    }

    private static void NextAddresses(ulong* addresses, ulong* input, ulong* zero, bool avx2)
    {
        input[6]++;
        Compress(avx2, zero, input, addresses, withXor: false);
        Compress(avx2, zero, addresses, addresses, withXor: false);
    }

    /// <summary>
    /// The compression function G: next = P(prev ⊕ reference) ⊕ prev ⊕ reference, ⊕ next's old value
    /// when <paramref name="withXor"/> (later passes of version 1.3). <paramref name="next"/> may alias
    /// <paramref name="reference"/> (the address generation does that).
    /// </summary>
    private static void Compress(bool avx2, ulong* previous, ulong* reference, ulong* next, bool withXor)
    {
        if (avx2)
        {
            CompressAvx2(previous, reference, next, withXor);
        }
        else
        {
            CompressPortable(previous, reference, next, withXor);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CompressAvx2(ulong* previous, ulong* reference, ulong* next, bool withXor)
    {
        // Byte shuffles that rotate each 64-bit word right by 24 and by 16 bits.
        var rotate24 = Vector256.Create(
            (byte)3, 4, 5, 6, 7, 0, 1, 2, 11, 12, 13, 14, 15, 8, 9, 10,
            3, 4, 5, 6, 7, 0, 1, 2, 11, 12, 13, 14, 15, 8, 9, 10);
        var rotate16 = Vector256.Create(
            (byte)2, 3, 4, 5, 6, 7, 0, 1, 10, 11, 12, 13, 14, 15, 8, 9,
            2, 3, 4, 5, 6, 7, 0, 1, 10, 11, 12, 13, 14, 15, 8, 9);
        var r = stackalloc Vector256<ulong>[32];
        var p = (Vector256<ulong>*)previous;
        var q = (Vector256<ulong>*)reference;
        var n = (Vector256<ulong>*)next;
        var saved = stackalloc Vector256<ulong>[32];
        for (var i = 0; i < 32; i++)
        {
            var x = Avx.LoadVector256((ulong*)(q + i)) ^ Avx.LoadVector256((ulong*)(p + i));
            r[i] = x;
            saved[i] = withXor ? x ^ Avx.LoadVector256((ulong*)(n + i)) : x;
        }

        // Rows: each 16 consecutive words are one BLAKE2 state of four vectors.
        for (var i = 0; i < 8; i++)
        {
            var a = r[4 * i];
            var b = r[4 * i + 1];
            var c = r[4 * i + 2];
            var d = r[4 * i + 3];
            Round(ref a, ref b, ref c, ref d, rotate24, rotate16);
            r[4 * i] = a;
            r[4 * i + 1] = b;
            r[4 * i + 2] = c;
            r[4 * i + 3] = d;
        }

        // Columns: column i takes words 2i, 2i+1 of every row. Two columns share the vectors k, k+4,
        // k+8, ... (k = i / 2), one in the low 128-bit halves and one in the high.
        for (var k = 0; k < 4; k++)
        {
            var a0 = Avx2.Permute2x128(r[k], r[k + 4], 0x20);
            var a1 = Avx2.Permute2x128(r[k], r[k + 4], 0x31);
            var b0 = Avx2.Permute2x128(r[k + 8], r[k + 12], 0x20);
            var b1 = Avx2.Permute2x128(r[k + 8], r[k + 12], 0x31);
            var c0 = Avx2.Permute2x128(r[k + 16], r[k + 20], 0x20);
            var c1 = Avx2.Permute2x128(r[k + 16], r[k + 20], 0x31);
            var d0 = Avx2.Permute2x128(r[k + 24], r[k + 28], 0x20);
            var d1 = Avx2.Permute2x128(r[k + 24], r[k + 28], 0x31);
            Round(ref a0, ref b0, ref c0, ref d0, rotate24, rotate16);
            Round(ref a1, ref b1, ref c1, ref d1, rotate24, rotate16);
            r[k] = Avx2.Permute2x128(a0, a1, 0x20);
            r[k + 4] = Avx2.Permute2x128(a0, a1, 0x31);
            r[k + 8] = Avx2.Permute2x128(b0, b1, 0x20);
            r[k + 12] = Avx2.Permute2x128(b0, b1, 0x31);
            r[k + 16] = Avx2.Permute2x128(c0, c1, 0x20);
            r[k + 20] = Avx2.Permute2x128(c0, c1, 0x31);
            r[k + 24] = Avx2.Permute2x128(d0, d1, 0x20);
            r[k + 28] = Avx2.Permute2x128(d0, d1, 0x31);
        }

        for (var i = 0; i < 32; i++)
        {
            Avx.Store((ulong*)(n + i), saved[i] ^ r[i]);
        }
    }

    /// <summary>One BLAKE2 round without message on a state of four vectors (a = words 0–3, b = 4–7, ...).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(
        ref Vector256<ulong> a, ref Vector256<ulong> b, ref Vector256<ulong> c, ref Vector256<ulong> d, Vector256<byte> rotate24, Vector256<byte> rotate16)
    {
        Mix(ref a, ref b, ref c, ref d, rotate24, rotate16);
        // Diagonals: rotate b, c, d left by one, two and three words.
        b = Avx2.Permute4x64(b, 0x39);
        c = Avx2.Permute4x64(c, 0x4E);
        d = Avx2.Permute4x64(d, 0x93);
        Mix(ref a, ref b, ref c, ref d, rotate24, rotate16);
        b = Avx2.Permute4x64(b, 0x93);
        c = Avx2.Permute4x64(c, 0x4E);
        d = Avx2.Permute4x64(d, 0x39);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Mix(
        ref Vector256<ulong> a, ref Vector256<ulong> b, ref Vector256<ulong> c, ref Vector256<ulong> d, Vector256<byte> rotate24, Vector256<byte> rotate16)
    {
        a = BlaMka(a, b);
        d = Avx2.Shuffle((d ^ a).AsUInt32(), 0xB1).AsUInt64(); // rotate right 32
        c = BlaMka(c, d);
        b = Avx2.Shuffle((b ^ c).AsByte(), rotate24).AsUInt64();
        a = BlaMka(a, b);
        d = Avx2.Shuffle((d ^ a).AsByte(), rotate16).AsUInt64();
        c = BlaMka(c, d);
        var x = b ^ c;
        b = Avx2.ShiftRightLogical(x, 63) ^ (x + x); // rotate right 63
    }

    /// <summary>x + y + 2 · lo32(x) · lo32(y), per 64-bit word.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> BlaMka(Vector256<ulong> x, Vector256<ulong> y)
    {
        var product = Avx2.Multiply(x.AsUInt32(), y.AsUInt32());
        return x + y + product + product;
    }

    private static void CompressPortable(ulong* previous, ulong* reference, ulong* next, bool withXor)
    {
        var r = stackalloc ulong[Words];
        var saved = stackalloc ulong[Words];
        for (var i = 0; i < Words; i++)
        {
            r[i] = reference[i] ^ previous[i];
            saved[i] = withXor ? r[i] ^ next[i] : r[i];
        }

        for (var i = 0; i < 8; i++)
        {
            var v = r + 16 * i;
            PortableRound(ref v[0], ref v[1], ref v[2], ref v[3], ref v[4], ref v[5], ref v[6], ref v[7],
                ref v[8], ref v[9], ref v[10], ref v[11], ref v[12], ref v[13], ref v[14], ref v[15]);
        }

        for (var i = 0; i < 8; i++)
        {
            var v = r + 2 * i;
            PortableRound(ref v[0], ref v[1], ref v[16], ref v[17], ref v[32], ref v[33], ref v[48], ref v[49],
                ref v[64], ref v[65], ref v[80], ref v[81], ref v[96], ref v[97], ref v[112], ref v[113]);
        }

        for (var i = 0; i < Words; i++)
        {
            next[i] = saved[i] ^ r[i];
        }
    }

    private static void PortableRound(
        ref ulong v0, ref ulong v1, ref ulong v2, ref ulong v3, ref ulong v4, ref ulong v5, ref ulong v6, ref ulong v7,
        ref ulong v8, ref ulong v9, ref ulong v10, ref ulong v11, ref ulong v12, ref ulong v13, ref ulong v14, ref ulong v15)
    {
        PortableMix(ref v0, ref v4, ref v8, ref v12);
        PortableMix(ref v1, ref v5, ref v9, ref v13);
        PortableMix(ref v2, ref v6, ref v10, ref v14);
        PortableMix(ref v3, ref v7, ref v11, ref v15);
        PortableMix(ref v0, ref v5, ref v10, ref v15);
        PortableMix(ref v1, ref v6, ref v11, ref v12);
        PortableMix(ref v2, ref v7, ref v8, ref v13);
        PortableMix(ref v3, ref v4, ref v9, ref v14);
    }

    private static void PortableMix(ref ulong a, ref ulong b, ref ulong c, ref ulong d)
    {
        a = a + b + 2 * (ulong)(uint)a * (uint)b;
        d = ulong.RotateRight(d ^ a, 32);
        c = c + d + 2 * (ulong)(uint)c * (uint)d;
        b = ulong.RotateRight(b ^ c, 24);
        a = a + b + 2 * (ulong)(uint)a * (uint)b;
        d = ulong.RotateRight(d ^ a, 16);
        c = c + d + 2 * (ulong)(uint)c * (uint)d;
        b = ulong.RotateRight(b ^ c, 63);
    }

    private static void Xor(ulong* into, ulong* from)
    {
        for (var i = 0; i < Words; i++)
        {
            into[i] ^= from[i];
        }
    }

    /// <summary>H0 of RFC 9106 §3.2: BLAKE2b-512 over the parameters and inputs, each length-prefixed.</summary>
    private static void InitialHash(
        Argon2Variant variant, int version, int memoryKiB, int iterations, int lanes,
        ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> secret, ReadOnlySpan<byte> associated,
        int tagLength, Span<byte> h0)
    {
        var length = 10 * 4 + password.Length + salt.Length + secret.Length + associated.Length;
        var input = new byte[length];
        var span = input.AsSpan();
        foreach (var value in new[] { lanes, tagLength, memoryKiB, iterations, version, (int)variant })
        {
            BinaryPrimitives.WriteInt32LittleEndian(span, value);
            span = span[4..];
        }

        span = Prefixed(span, password);
        span = Prefixed(span, salt);
        span = Prefixed(span, secret);
        Prefixed(span, associated);

        Blake2b(input, h0);
        CryptographicZero(input);
    }

    private static Span<byte> Prefixed(Span<byte> into, ReadOnlySpan<byte> part)
    {
        BinaryPrimitives.WriteInt32LittleEndian(into, part.Length);
        part.CopyTo(into[4..]);
        return into[(4 + part.Length)..];
    }

    /// <summary>H' of RFC 9106 §3.3: BLAKE2b stretched to any output length.</summary>
    private static void VariableHash(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var prefixed = new byte[4 + input.Length];
        BinaryPrimitives.WriteInt32LittleEndian(prefixed, output.Length);
        input.CopyTo(prefixed.AsSpan(4));
        if (output.Length <= 64)
        {
            Blake2b(prefixed, output);
            CryptographicZero(prefixed);
            return;
        }

        Span<byte> v = stackalloc byte[64];
        Span<byte> nextV = stackalloc byte[64];
        Blake2b(prefixed, v);
        CryptographicZero(prefixed);
        var written = 0;
        while (output.Length - written > 64)
        {
            v[..32].CopyTo(output[written..]);
            written += 32;
            if (output.Length - written > 64)
            {
                Blake2b(v, nextV);
                nextV.CopyTo(v);
            }
        }

        Blake2b(v, output[written..]);
        CryptographicZero(v);
        CryptographicZero(nextV);
    }

    private static void Blake2b(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (Libsodium.Blake2b(output, input) != 0)
        {
            throw new InvalidOperationException("BLAKE2b failed.");
        }
    }

    private static void CryptographicZero(Span<byte> bytes) => System.Security.Cryptography.CryptographicOperations.ZeroMemory(bytes);
}
