using System.Globalization;
using Auth.Functions.Http;

namespace Auth.Functions.Events;

/// <summary>The <c>?limit=&amp;before=</c> of a page of a security log (or the audit log), checked.</summary>
public sealed record EventPageRequest(int Limit, string? Before)
{
    /// <summary>The page asked for, or the validation problem that names the bad parameter.</summary>
    public static (EventPageRequest? Page, ApiProblem? Problem) Read(HttpRequest request)
    {
        var (limit, problem) = ReadLimit(request);
        if (problem is not null)
        {
            return (null, problem);
        }

        var before = request.Query["before"].ToString();
        return before.Length > 0 && !SecurityEventEntity.IsValidId(before)
            ? (null, Problems.Validation("before", "Must be the 'next' value of a previous page."))
            : (new EventPageRequest(limit, before.Length > 0 ? before : null), null);
    }

    /// <summary>A page size, <c>?limit=</c>: 1 to <see cref="SecurityEvents.MaxPageSize"/>, <see cref="SecurityEvents.DefaultPageSize"/> when absent (any paged listing uses it).</summary>
    public static (int Limit, ApiProblem? Problem) ReadLimit(HttpRequest request)
    {
        var limitText = request.Query["limit"].ToString();
        var limit = SecurityEvents.DefaultPageSize;
        return limitText.Length > 0 && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > SecurityEvents.MaxPageSize)
            ? (0, Problems.Validation("limit", $"Must be a whole number from 1 to {SecurityEvents.MaxPageSize}."))
            : (limit, null);
    }
}
