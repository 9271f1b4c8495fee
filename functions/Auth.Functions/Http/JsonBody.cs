using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Auth.Functions.Http;

/// <summary>A parsed request body, or the problem that answers it.</summary>
public readonly record struct Body<T>(T? Value, ApiProblem? Problem) where T : class;

/// <summary>
/// Reads JSON bodies under the contract's rules: 16 KiB cap (checked before anything is parsed or
/// hashed), <c>application/json</c> only, strict types, unknown fields ignored.
/// </summary>
public static class JsonBody
{
    public const int MaxBytes = 16 * 1024;

    public static async Task<Body<T>> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
        where T : class
    {
        if (request.ContentLength > MaxBytes)
        {
            return new(null, Problems.PayloadTooLarge());
        }

        if (!IsJson(request.ContentType))
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

    private static bool IsJson(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media) || media.MediaType is null)
        {
            return false;
        }

        if (media.CharSet is { Length: > 0 } charset && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (media.MediaType.StartsWith("application/", StringComparison.OrdinalIgnoreCase)
                && media.MediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }
}
