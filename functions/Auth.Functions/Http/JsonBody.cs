using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Auth.Functions.Http;

/// <summary>A parsed request body, or the problem that answers it.</summary>
public readonly record struct Body<T>(T? Value, ApiProblem? Problem) where T : class;

/// <summary>
/// Reads JSON bodies under the contract's rules: 16 KiB cap (checked before anything is parsed or
/// hashed), strict types, unknown fields ignored. The media type is matched earlier, by routing,
/// from each endpoint's <c>Accepts</c> metadata (a mismatch is 415 <c>unsupported_media_type</c>).
/// </summary>
public static class JsonBody
{
    public const int MaxBytes = 16 * 1024;

    public static async Task<Body<T>> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
        where T : class
    {
        // A slow client's upload is not storage time.
        using var notStorage = Storage.StorageBudget.Exclude();
        if (request.ContentLength > MaxBytes)
        {
            return new(null, Problems.PayloadTooLarge());
        }

        // Routing refuses other media types but lets a body with no Content-Type through.
        if (string.IsNullOrEmpty(request.ContentType))
        {
            return new(null, Problems.UnsupportedMediaType());
        }

        var buffer = ArrayPool<byte>.Shared.Rent(MaxBytes + 1);
        try
        {
            var length = 0;
            int read;
            while ((read = await request.Body.ReadAsync(buffer.AsMemory(length, MaxBytes + 1 - length), cancellationToken)) > 0)
            {
                length += read;
                if (length > MaxBytes)
                {
                    return new(null, Problems.PayloadTooLarge());
                }
            }

            try
            {
                var value = JsonSerializer.Deserialize(buffer.AsSpan(0, length), typeInfo);
                return value is null ? new(null, Problems.MalformedJson()) : new(value, null);
            }
            catch (JsonException)
            {
                return new(null, Problems.MalformedJson());
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
    }
}
